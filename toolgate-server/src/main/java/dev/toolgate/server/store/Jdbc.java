package dev.toolgate.server.store;

import dev.toolgate.core.config.StoreSettings;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs units of work against a {@link Database} with the right transaction settings for its
 * backend, and turns {@link SQLException} into {@link StoreException} naming the operation and the
 * database. Other exceptions thrown by the work (not found, conflict) roll back and pass through.
 *
 * <p>Blocking: call from worker threads, never from an event loop.
 */
public final class Jdbc {
  /** A piece of work on one connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /** See {@link #alsoInEachWrite}: set on the thread that runs the request's work, for its duration. */
  private static final ThreadLocal<Work<?>> ALSO_IN_WRITES = new ThreadLocal<>();

  private final Database database;

  public Jdbc(Database database) {
    this.database = database;
  }

  public Database database() {
    return database;
  }

  /**
   * Runs {@code body} so that every write transaction it starts on this thread also runs {@code also}
   * (after its own work, before the commit): both commit, or neither. How an admin creation marks its
   * idempotency key as carried out in the very transaction that carries it out.
   */
  public static <T> T alsoInEachWrite(Work<?> also, java.util.concurrent.Callable<T> body) throws Exception {
    Work<?> outer = ALSO_IN_WRITES.get();
    ALSO_IN_WRITES.set(also);
    try {
      return body.call();
    } finally {
      ALSO_IN_WRITES.set(outer);
    }
  }

  /** Autocommit: each statement sees the latest committed data. For single-statement reads. */
  public <T> T read(String operation, Work<T> work) {
    try (Connection connection = database.dataSource().getConnection()) {
      return work.run(connection);
    } catch (SQLException e) {
      throw failure(operation, e);
    } catch (RuntimeException e) {
      throw driverFailure(operation, e);
    }
  }

  /**
   * One transaction: committed if the work returns, rolled back if it throws.
   *
   * <p>SQLite transactions start deferred: the write lock is taken by the first write statement,
   * waiting up to busy_timeout for another process to finish. Make the first statement a write. A
   * transaction that reads first and writes later holds a read snapshot, and SQLite cannot upgrade
   * a stale snapshot to a write, so it fails at once with SQLITE_BUSY when another connection
   * wrote in between. (The driver's IMMEDIATE mode would avoid that, but the driver re-begins a
   * transaction right after each commit, which in IMMEDIATE mode means taking the write lock a
   * second time for nothing.)
   */
  public <T> T write(String operation, Work<T> work) {
    Work<?> also = ALSO_IN_WRITES.get();
    Work<T> unit = also == null ? work : connection -> {
      T result = work.run(connection);
      also.run(connection);
      return result;
    };
    SqliteGroupCommit group = database.groupCommit();
    if (group == null) {
      return transaction(operation, unit, false);
    }
    try {
      return group.write(operation, unit);
    } catch (SQLException e) {
      throw failure(operation, e);
    } catch (RuntimeException e) {
      throw driverFailure(operation, e);
    }
  }

  /**
   * A read-only transaction whose statements all see one consistent state: SQLite keeps one WAL
   * snapshot for the whole transaction; PostgreSQL needs REPEATABLE READ for that (its default,
   * READ COMMITTED, takes a fresh snapshot per statement).
   */
  public <T> T snapshot(String operation, Work<T> work) {
    return transaction(operation, work, true);
  }

  private <T> T transaction(String operation, Work<T> work, boolean readOnlySnapshot) {
    try (Connection connection = database.dataSource().getConnection()) {
      if (readOnlySnapshot && database.kind() == StoreSettings.Kind.POSTGRESQL) {
        connection.setReadOnly(true);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      }
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        rollbackQuietly(connection, e);
        throw e;
      }
      // Closing hands the connection back to the pool, which restores autocommit, isolation and
      // read-only to its defaults.
    } catch (SQLException e) {
      throw failure(operation, e);
    } catch (RuntimeException e) {
      throw driverFailure(operation, e);
    }
  }

  /**
   * The driver wraps some failures of a connection that died mid-statement in an unchecked
   * exception (PgJDBC's batch execution: an IllegalStateException around "This connection has been
   * closed"): that is a store failure too, not a bug. Other unchecked exceptions pass through.
   */
  private RuntimeException driverFailure(String operation, RuntimeException e) {
    return !(e instanceof StoreException) && e.getCause() instanceof SQLException sql ? failure(operation, sql) : e;
  }

  private static void rollbackQuietly(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException rollbackFailure) {
      cause.addSuppressed(rollbackFailure);
    }
  }

  private StoreException failure(String operation, SQLException e) {
    return new StoreException(operation + " failed on " + database.target() + ": " + e.getMessage(), e);
  }
}
