package dev.toolgate.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Operations shared by the credential tables ({@code signing_secrets}, {@code static_tokens},
 * {@code api_keys}, {@code client_secrets}), which all have {@code id}, {@code expires_at} and {@code revoked_at}.
 * Table names come from constants in this package, never from input.
 */
final class CredentialRows {
  static final String SIGNING_SECRETS = "signing_secrets";
  static final String STATIC_TOKENS = "static_tokens";
  static final String API_KEYS = "api_keys";
  static final String CLIENT_SECRETS = "client_secrets";

  private CredentialRows() {}

  /**
   * Sets revoked_at unless already set, so the first revocation time is kept.
   *
   * @return true if this call revoked it, false if it was already revoked
   * @throws NotFoundException if there is no such row
   */
  static boolean revoke(Connection connection, String table, String kind, String id, Instant now) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
      Columns.setInstant(update, 1, now);
      update.setString(2, id);
      if (update.executeUpdate() > 0) {
        return true;
      }
    }
    if (!exists(connection, table, id)) {
      throw new NotFoundException("no " + kind + " with id '" + id + "'");
    }
    return false;
  }

  /** Sets expires_at (a rotation shortening the old credential's life). */
  static void setExpiresAt(Connection connection, String table, String id, Instant expiresAt) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET expires_at = ? WHERE id = ?")) {
      Columns.setInstant(update, 1, expiresAt);
      update.setString(2, id);
      update.executeUpdate();
    }
  }

  static boolean exists(Connection connection, String table, String id) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM " + table + " WHERE id = ?")) {
      query.setString(1, id);
      try (ResultSet row = query.executeQuery()) {
        return row.next();
      }
    }
  }

  /**
   * Moves last_used_at forward (never back: batches from several servers may arrive out of order).
   * Unknown ids are ignored: the credential may have been removed meanwhile. Callers pass ids in a
   * fixed order so that two servers updating the same rows on PostgreSQL cannot deadlock.
   */
  static void touchLastUsed(Connection connection, String table, List<Map.Entry<String, Instant>> usage) throws SQLException {
    if (usage.isEmpty()) {
      return;
    }
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE " + table + " SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")) {
      for (Map.Entry<String, Instant> entry : usage) {
        Columns.setInstant(update, 1, entry.getValue());
        update.setString(2, entry.getKey());
        Columns.setInstant(update, 3, entry.getValue());
        update.addBatch();
      }
      update.executeBatch();
    }
  }
}
