package dev.toolgate.server.store;

import dev.toolgate.core.port.StaticToken;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for the {@code static_tokens} table. */
final class StaticTokenTable {
  private static final String COLUMNS = "id, client_id, digest, created_at, expires_at, revoked_at, last_used_at";

  private StaticTokenTable() {}

  static void insert(Connection connection, StaticToken token) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO static_tokens (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, token.id());
      insert.setString(2, token.clientId());
      insert.setString(3, token.digest());
      Columns.setInstant(insert, 4, token.createdAt());
      Columns.setInstant(insert, 5, token.expiresAt());
      Columns.setInstant(insert, 6, token.revokedAt());
      Columns.setInstant(insert, 7, token.lastUsedAt());
      insert.executeUpdate();
    }
  }

  static Optional<StaticToken> find(Connection connection, String id) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM static_tokens WHERE id = ?")) {
      query.setString(1, id);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? Optional.of(map(row)) : Optional.empty();
      }
    }
  }

  /** Tokens of one client, or of all clients when {@code clientId} is null; oldest first. */
  static List<StaticToken> list(Connection connection, String clientId) throws SQLException {
    String sql = "SELECT " + COLUMNS + " FROM static_tokens"
        + (clientId == null ? "" : " WHERE client_id = ?") + " ORDER BY created_at, id";
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      if (clientId != null) {
        query.setString(1, clientId);
      }
      try (ResultSet rows = query.executeQuery()) {
        List<StaticToken> result = new ArrayList<>();
        while (rows.next()) {
          result.add(map(rows));
        }
        return result;
      }
    }
  }

  private static StaticToken map(ResultSet row) throws SQLException {
    return new StaticToken(
        row.getString("id"),
        row.getString("client_id"),
        row.getString("digest"),
        Columns.getInstant(row, "created_at"),
        Columns.getInstant(row, "expires_at"),
        Columns.getInstant(row, "revoked_at"),
        Columns.getInstant(row, "last_used_at"));
  }
}
