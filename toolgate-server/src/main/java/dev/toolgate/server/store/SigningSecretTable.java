package dev.toolgate.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for the {@code signing_secrets} table. Rows hold the sealed value; decrypting is the caller's job. */
final class SigningSecretTable {
  private static final String COLUMNS = "id, client_id, master_key_id, ciphertext, created_at, expires_at, revoked_at";

  /** One stored signing secret, still sealed. */
  record Row(String id, String clientId, SecretBox.Sealed sealed, Instant createdAt, Instant expiresAt, Instant revokedAt) {}

  private SigningSecretTable() {}

  static void insert(Connection connection, Row row) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO signing_secrets (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, row.id());
      insert.setString(2, row.clientId());
      insert.setString(3, row.sealed().keyId());
      insert.setString(4, row.sealed().ciphertext());
      Columns.setInstant(insert, 5, row.createdAt());
      Columns.setInstant(insert, 6, row.expiresAt());
      Columns.setInstant(insert, 7, row.revokedAt());
      insert.executeUpdate();
    }
  }

  /** Rows of one client, or of all clients when {@code clientId} is null; oldest first. */
  static List<Row> list(Connection connection, String clientId) throws SQLException {
    String sql = "SELECT " + COLUMNS + " FROM signing_secrets"
        + (clientId == null ? "" : " WHERE client_id = ?") + " ORDER BY created_at, id";
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      if (clientId != null) {
        query.setString(1, clientId);
      }
      try (ResultSet rows = query.executeQuery()) {
        List<Row> result = new ArrayList<>();
        while (rows.next()) {
          result.add(map(rows));
        }
        return result;
      }
    }
  }

  static Optional<Row> find(Connection connection, String id) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM signing_secrets WHERE id = ?")) {
      query.setString(1, id);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? Optional.of(map(row)) : Optional.empty();
      }
    }
  }

  private static Row map(ResultSet row) throws SQLException {
    return new Row(
        row.getString("id"),
        row.getString("client_id"),
        new SecretBox.Sealed(row.getString("master_key_id"), row.getString("ciphertext")),
        Columns.getInstant(row, "created_at"),
        Columns.getInstant(row, "expires_at"),
        Columns.getInstant(row, "revoked_at"));
  }
}
