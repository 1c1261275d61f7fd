package dev.toolgate.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The one-row change counter: bumped inside every credential change, read by running servers. */
final class RevisionTable {
  private RevisionTable() {}

  /**
   * Adds one to the revision. Credential changes call this first: on SQLite that takes the write
   * lock before anything is read (see {@link Jdbc#write}); on PostgreSQL the row lock serialises
   * credential changes.
   */
  static void bump(Connection connection) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement("UPDATE store_revision SET revision = revision + 1 WHERE id = 1")) {
      if (update.executeUpdate() != 1) {
        throw new SQLException("store_revision has no row; the schema is damaged");
      }
    }
  }

  static long current(Connection connection) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT revision FROM store_revision WHERE id = 1");
        ResultSet row = query.executeQuery()) {
      if (!row.next()) {
        throw new SQLException("store_revision has no row; the schema is damaged");
      }
      return row.getLong(1);
    }
  }
}
