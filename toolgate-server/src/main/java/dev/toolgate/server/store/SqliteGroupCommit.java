package dev.toolgate.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import javax.sql.DataSource;

/**
 * This process's SQLite write transactions, committed together. SQLite has one writer, and with
 * {@code synchronous=FULL} every commit waits for an fsync (about a millisecond here): one commit per
 * transaction caps writes at about a thousand a second however many threads ask. One thread takes
 * what is waiting (up to {@link #MAX_BATCH}), runs each unit in a savepoint of one transaction (a unit
 * that fails is rolled back alone), commits once, and only then answers each caller, so a write that
 * returned is on disk exactly as before, and concurrent writers share the fsync.
 */
final class SqliteGroupCommit implements AutoCloseable {
  static final int MAX_BATCH = 64;
  /** A caller gives up after this (a unit stuck in the writer must not hang every caller for ever). */
  static final java.time.Duration MAX_WAIT = java.time.Duration.ofSeconds(60);

  private record Pending<T>(String operation, Jdbc.Work<T> work, CompletableFuture<T> result) {}

  /** A unit's outcome, held back until the batch committed. */
  private record Done(Pending<?> pending, Object value, Throwable failure) {}

  private final DataSource pool;
  private final String target;
  private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private volatile boolean closed;

  SqliteGroupCommit(DataSource pool, String target) {
    this.pool = pool;
    this.target = target;
    this.writer = new Thread(this::run, "toolgate-sqlite-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /** Runs {@code work} in the next group transaction and returns once it is committed. Blocking. */
  <T> T write(String operation, Jdbc.Work<T> work) throws SQLException {
    if (closed) {
      throw new StoreException(operation + " failed on " + target + ": the store is closed");
    }
    if (Thread.currentThread() == writer) {
      // A write inside a write would wait for itself.
      throw new IllegalStateException(operation + ": a write transaction cannot start another one");
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    queue.add(new Pending<>(operation, work, result));
    try {
      return result.get(MAX_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new StoreException(operation + " on " + target + " waited " + MAX_WAIT.toSeconds()
          + " s for the writer; it may or may not be committed later", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException(operation + " on " + target + " was interrupted; it may or may not have been committed", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SQLException sql) {
        throw sql;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new StoreException(operation + " failed on " + target + ": " + cause, cause);
    }
  }

  private void run() {
    List<Pending<?>> batch = new ArrayList<>(MAX_BATCH);
    while (!closed) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        break;
      }
      queue.drainTo(batch, MAX_BATCH - 1);
      commit(batch);
      batch.clear();
    }
    failAll(new StoreException("the store " + target + " is closed"));
  }

  private void commit(List<Pending<?>> batch) {
    List<Done> done = new ArrayList<>(batch.size());
    try (Connection connection = pool.getConnection()) {
      connection.setAutoCommit(false);
      try {
        for (Pending<?> p : batch) {
          done.add(runOne(connection, p));
        }
        connection.commit();
      } catch (SQLException | RuntimeException | Error e) {
        rollbackQuietly(connection, e);
        throw e;
      }
    } catch (SQLException | RuntimeException | Error e) {
      // The commit (or the connection) failed: nothing of this batch is kept.
      for (Pending<?> p : batch) {
        p.result().completeExceptionally(e);
      }
      return;
    }
    for (Done d : done) {
      completeAfterCommit(d);
    }
  }

  /** One unit in a savepoint: its failure undoes its own statements only. */
  private static Done runOne(Connection connection, Pending<?> p) throws SQLException {
    Savepoint savepoint = connection.setSavepoint();
    try {
      Object value = p.work().run(connection);
      connection.releaseSavepoint(savepoint);
      return new Done(p, value, null);
    } catch (SQLException | RuntimeException e) {
      connection.rollback(savepoint);
      connection.releaseSavepoint(savepoint);
      return new Done(p, null, e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> void completeAfterCommit(Done d) {
    CompletableFuture<T> result = (CompletableFuture<T>) d.pending().result();
    if (d.failure() != null) {
      result.completeExceptionally(d.failure());
    } else {
      result.complete((T) d.value());
    }
  }

  private static void rollbackQuietly(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException rollbackFailure) {
      cause.addSuppressed(rollbackFailure);
    }
  }

  private void failAll(StoreException e) {
    List<Pending<?>> left = new ArrayList<>();
    queue.drainTo(left);
    left.forEach(p -> p.result().completeExceptionally(e));
  }

  @Override
  public void close() {
    closed = true;
    writer.interrupt();
    try {
      writer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failAll(new StoreException("the store " + target + " is closed"));
  }
}
