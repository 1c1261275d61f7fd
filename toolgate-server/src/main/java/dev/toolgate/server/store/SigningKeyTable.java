package dev.toolgate.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * SQL for the {@code signing_keys} table. Rows hold the sealed private JWK; opening it is the
 * caller's job. A key is <em>active</em> when activated and not retired (at most one, enforced by a
 * unique partial index).
 */
final class SigningKeyTable {
  private static final String COLUMNS = "kid, algorithm, master_key_id, private_jwk, public_jwk, created_at, activated_at, retired_at";
  private static final String ACTIVE = "activated_at IS NOT NULL AND retired_at IS NULL";

  /**
   * One stored key, still sealed.
   *
   * @param algorithm the JOSE name (RS256, ES256, EdDSA)
   * @param publicJwk the public half as stored in clear: for display only, never trusted
   */
  record Row(String kid, String algorithm, SecretBox.Sealed sealed, String publicJwk, Instant createdAt, Instant activatedAt, Instant retiredAt) {}

  private SigningKeyTable() {}

  static void insert(Connection connection, Row row) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO signing_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, row.kid());
      insert.setString(2, row.algorithm());
      insert.setString(3, row.sealed().keyId());
      insert.setString(4, row.sealed().ciphertext());
      insert.setString(5, row.publicJwk());
      Columns.setInstant(insert, 6, row.createdAt());
      Columns.setInstant(insert, 7, row.activatedAt());
      Columns.setInstant(insert, 8, row.retiredAt());
      insert.executeUpdate();
    }
  }

  /** Every key, newest first. */
  static List<Row> all(Connection connection) throws SQLException {
    return query(connection, "SELECT " + COLUMNS + " FROM signing_keys ORDER BY created_at DESC, kid", null);
  }

  static Optional<Row> byKid(Connection connection, String kid) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM signing_keys WHERE kid = ?")) {
      query.setString(1, kid);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? Optional.of(map(row)) : Optional.empty();
      }
    }
  }

  static Optional<Row> active(Connection connection) throws SQLException {
    List<Row> rows = query(connection, "SELECT " + COLUMNS + " FROM signing_keys WHERE " + ACTIVE, null);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  /** The active key and the keys retired after {@code retiredAfter}, active first, then newest retired first. */
  static List<Row> ring(Connection connection, Instant retiredAfter) throws SQLException {
    return query(connection,
        "SELECT " + COLUMNS + " FROM signing_keys WHERE activated_at IS NOT NULL AND (retired_at IS NULL OR retired_at > ?)"
            + " ORDER BY CASE WHEN retired_at IS NULL THEN 0 ELSE 1 END, retired_at DESC, kid",
        retiredAfter);
  }

  /** Retires the active key, if any; returns how many rows changed (0 or 1). */
  static int retireActive(Connection connection, Instant now) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement("UPDATE signing_keys SET retired_at = ? WHERE " + ACTIVE)) {
      Columns.setInstant(update, 1, now);
      return update.executeUpdate();
    }
  }

  static long countRetiredNotAfter(Connection connection, Instant cutoff) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT COUNT(*) FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at <= ?")) {
      Columns.setInstant(query, 1, cutoff);
      try (ResultSet row = query.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  /** Deletes the keys retired at or before {@code cutoff}; never the active or a pending key. */
  static int deleteRetiredNotAfter(Connection connection, Instant cutoff) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at <= ?")) {
      Columns.setInstant(delete, 1, cutoff);
      return delete.executeUpdate();
    }
  }

  /** Deletes one key, whatever its state; returns how many rows went (0 or 1). */
  static int delete(Connection connection, String kid) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM signing_keys WHERE kid = ?")) {
      delete.setString(1, kid);
      return delete.executeUpdate();
    }
  }

  private static List<Row> query(Connection connection, String sql, Instant parameter) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      if (parameter != null) {
        Columns.setInstant(query, 1, parameter);
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

  private static Row map(ResultSet rows) throws SQLException {
    return new Row(
        rows.getString("kid"),
        rows.getString("algorithm"),
        new SecretBox.Sealed(rows.getString("master_key_id"), rows.getString("private_jwk")),
        rows.getString("public_jwk"),
        Columns.getInstant(rows, "created_at"),
        Columns.getInstant(rows, "activated_at"),
        Columns.getInstant(rows, "retired_at"));
  }
}
