package dev.toolgate.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for the {@code client_secrets} table (OAuth client secrets, digests only). */
final class ClientSecretTable {
  private static final String COLUMNS = "id, client_id, digest, created_at, expires_at, revoked_at, last_used_at";

  private ClientSecretTable() {}

  static void insert(Connection connection, ClientSecret secret) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO client_secrets (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, secret.id());
      insert.setString(2, secret.clientId());
      insert.setString(3, secret.digest());
      Columns.setInstant(insert, 4, secret.createdAt());
      Columns.setInstant(insert, 5, secret.expiresAt());
      Columns.setInstant(insert, 6, secret.revokedAt());
      Columns.setInstant(insert, 7, secret.lastUsedAt());
      insert.executeUpdate();
    }
  }

  static Optional<ClientSecret> byId(Connection connection, String id) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM client_secrets WHERE id = ?")) {
      query.setString(1, id);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? Optional.of(map(row)) : Optional.empty();
      }
    }
  }

  /** Secrets of one client, or of all clients when {@code clientId} is null; oldest first. */
  static List<ClientSecret> list(Connection connection, String clientId) throws SQLException {
    String sql = "SELECT " + COLUMNS + " FROM client_secrets"
        + (clientId == null ? "" : " WHERE client_id = ?") + " ORDER BY created_at, id";
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      if (clientId != null) {
        query.setString(1, clientId);
      }
      try (ResultSet rows = query.executeQuery()) {
        List<ClientSecret> result = new ArrayList<>();
        while (rows.next()) {
          result.add(map(rows));
        }
        return result;
      }
    }
  }

  private static ClientSecret map(ResultSet row) throws SQLException {
    return new ClientSecret(
        row.getString("id"),
        row.getString("client_id"),
        row.getString("digest"),
        Columns.getInstant(row, "created_at"),
        Columns.getInstant(row, "expires_at"),
        Columns.getInstant(row, "revoked_at"),
        Columns.getInstant(row, "last_used_at"));
  }
}
