package dev.toolgate.server.users;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** The schema's portable column encodings (BIGINT epoch millis, INTEGER 0/1), as the store uses them. */
final class Sql {
  private static final String POSTGRES_UNIQUE_VIOLATION = "23505";

  private Sql() {}

  static Instant millis(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
  }

  static void setInstant(PreparedStatement statement, int index, Instant value) throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, value.toEpochMilli());
    }
  }

  static Instant getInstant(ResultSet row, String column) throws SQLException {
    long millis = row.getLong(column);
    return row.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  static boolean getBoolean(ResultSet row, String column) throws SQLException {
    return row.getInt(column) != 0;
  }

  /** A UNIQUE or PRIMARY KEY constraint rejected the row (SQLite or PostgreSQL). */
  static boolean isUniqueViolation(SQLException e) {
    if (POSTGRES_UNIQUE_VIOLATION.equals(e.getSQLState())) {
      return true;
    }
    if (e instanceof SQLiteException sqlite) {
      SQLiteErrorCode code = sqlite.getResultCode();
      return code == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE || code == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY;
    }
    return false;
  }
}
