package dev.toolgate.server.store;

import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Recognises backend errors that mean something to the caller, portably across both backends. */
public final class SqlErrors {
  private static final String POSTGRES_UNIQUE_VIOLATION = "23505";

  private SqlErrors() {}

  /** A UNIQUE or PRIMARY KEY constraint rejected the row. */
  public static boolean isUniqueViolation(SQLException e) {
    if (POSTGRES_UNIQUE_VIOLATION.equals(e.getSQLState())) {
      return true;
    }
    if (e instanceof SQLiteException) {
      SQLiteErrorCode code = ((SQLiteException) e).getResultCode();
      return code == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE || code == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY;
    }
    return false;
  }
}
