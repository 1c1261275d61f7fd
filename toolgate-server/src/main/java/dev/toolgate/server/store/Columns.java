package dev.toolgate.server.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The portable column encodings of the schema: timestamps as BIGINT epoch milliseconds, booleans
 * as INTEGER 0/1, nullable text. Kept in one place so every table maps them the same way.
 */
public final class Columns {
  private Columns() {}

  /** Instants are stored to the millisecond; truncating before use makes returned values equal stored ones. */
  public static Instant millis(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
  }

  public static void setInstant(PreparedStatement statement, int index, Instant value) throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, value.toEpochMilli());
    }
  }

  public static Instant getInstant(ResultSet row, String column) throws SQLException {
    long millis = row.getLong(column);
    return row.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  public static void setBoolean(PreparedStatement statement, int index, boolean value) throws SQLException {
    statement.setInt(index, value ? 1 : 0);
  }

  public static boolean getBoolean(ResultSet row, String column) throws SQLException {
    return row.getInt(column) != 0;
  }

  public static void setText(PreparedStatement statement, int index, String value) throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.VARCHAR);
    } else {
      statement.setString(index, value);
    }
  }
}
