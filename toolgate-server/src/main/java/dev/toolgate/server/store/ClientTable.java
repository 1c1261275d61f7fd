package dev.toolgate.server.store;

import dev.toolgate.core.port.ClientRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for the {@code clients} table. */
final class ClientTable {
  private static final String COLUMNS = "id, name, platform, enabled, created_at";

  private ClientTable() {}

  static void insert(Connection connection, ClientRecord client) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO clients (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)")) {
      insert.setString(1, client.id());
      insert.setString(2, client.name());
      insert.setString(3, client.platform());
      Columns.setBoolean(insert, 4, client.enabled());
      Columns.setInstant(insert, 5, client.createdAt());
      insert.executeUpdate();
    }
  }

  static Optional<ClientRecord> byId(Connection connection, String id) throws SQLException {
    return one(connection, "SELECT " + COLUMNS + " FROM clients WHERE id = ?", id);
  }

  static Optional<ClientRecord> byName(Connection connection, String name) throws SQLException {
    return one(connection, "SELECT " + COLUMNS + " FROM clients WHERE name = ?", name);
  }

  /** The client, or {@link NotFoundException}: every credential belongs to an existing client. */
  static ClientRecord require(Connection connection, String id) throws SQLException {
    return byId(connection, id).orElseThrow(() -> new NotFoundException("no client with id '" + id + "'"));
  }

  static List<ClientRecord> all(Connection connection) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM clients ORDER BY name");
        ResultSet rows = query.executeQuery()) {
      List<ClientRecord> clients = new ArrayList<>();
      while (rows.next()) {
        clients.add(map(rows));
      }
      return clients;
    }
  }

  /** Returns whether a row changed (false: already in that state, or no such id). */
  static boolean setEnabled(Connection connection, String id, boolean enabled) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement("UPDATE clients SET enabled = ? WHERE id = ? AND enabled <> ?")) {
      Columns.setBoolean(update, 1, enabled);
      update.setString(2, id);
      Columns.setBoolean(update, 3, enabled);
      return update.executeUpdate() > 0;
    }
  }

  private static Optional<ClientRecord> one(Connection connection, String sql, String value) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      query.setString(1, value);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? Optional.of(map(row)) : Optional.empty();
      }
    }
  }

  private static ClientRecord map(ResultSet row) throws SQLException {
    return new ClientRecord(
        row.getString("id"),
        row.getString("name"),
        row.getString("platform"),
        Columns.getBoolean(row, "enabled"),
        Columns.getInstant(row, "created_at"));
  }
}
