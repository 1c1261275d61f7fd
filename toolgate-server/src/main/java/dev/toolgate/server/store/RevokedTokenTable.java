package dev.toolgate.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/** SQL for the {@code revoked_tokens} table: JWT ids revoked before their expiry. */
final class RevokedTokenTable {
  private RevokedTokenTable() {}

  /**
   * Inserts unless the jti is already there (the first revocation is kept); returns whether it
   * inserted. {@code revision}: the store revision this revocation's transaction moved to.
   */
  static boolean insertIfAbsent(Connection connection, String jti, String clientId, Instant expiresAt, Instant revokedAt, long revision)
      throws SQLException {
    // ON CONFLICT DO NOTHING: the same syntax on SQLite 3.24+ and PostgreSQL 9.5+.
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO revoked_tokens (jti, client_id, expires_at, revoked_at, revision) VALUES (?, ?, ?, ?, ?) ON CONFLICT (jti) DO NOTHING")) {
      insert.setString(1, jti);
      Columns.setText(insert, 2, clientId);
      Columns.setInstant(insert, 3, expiresAt);
      Columns.setInstant(insert, 4, revokedAt);
      insert.setLong(5, revision);
      return insert.executeUpdate() > 0;
    }
  }

  /** Whether {@code jti} was revoked by the transaction that moved the store to {@code revision}. */
  static boolean revokedAtRevision(Connection connection, String jti, long revision) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM revoked_tokens WHERE jti = ? AND revision = ?")) {
      query.setString(1, jti);
      query.setLong(2, revision);
      try (ResultSet row = query.executeQuery()) {
        return row.next();
      }
    }
  }

  /** The jtis of tokens expiring after {@code expiringAfter}. */
  static Set<String> idsExpiringAfter(Connection connection, Instant expiringAfter) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT jti FROM revoked_tokens WHERE expires_at > ?")) {
      Columns.setInstant(query, 1, expiringAfter);
      try (ResultSet rows = query.executeQuery()) {
        Set<String> result = new HashSet<>();
        while (rows.next()) {
          result.add(rows.getString(1));
        }
        return result;
      }
    }
  }

  static long countExpiredBefore(Connection connection, Instant cutoff) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT COUNT(*) FROM revoked_tokens WHERE expires_at < ?")) {
      Columns.setInstant(query, 1, cutoff);
      try (ResultSet row = query.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  static int deleteExpiredBefore(Connection connection, Instant cutoff) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM revoked_tokens WHERE expires_at < ?")) {
      Columns.setInstant(delete, 1, cutoff);
      return delete.executeUpdate();
    }
  }
}
