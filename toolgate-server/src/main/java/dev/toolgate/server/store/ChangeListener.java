package dev.toolgate.server.store;

import dev.toolgate.core.config.StoreSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears the changes a PostgreSQL store announces ({@code LISTEN}, see migration V6) and hands them
 * to a {@link Handler} as they arrive, on a daemon thread of its own.
 *
 * <p>It holds one connection of its own, outside the pool: a {@code LISTEN} belongs to its session,
 * and a pooled connection is retired and replaced by the pool at will (which would drop it silently)
 * and would be one fewer for queries. When the connection fails (the server restarted, the backend
 * was terminated, the network dropped), it connects again after a backoff of {@link #FIRST_BACKOFF}
 * doubling to {@link #MAX_BACKOFF}; after every successful {@code LISTEN}, the first included, it
 * calls {@link Handler#listening()}, since changes committed while nobody listened were announced
 * to nobody. A connection that stays silent is checked with a query every {@link #IDLE_CHECK}, so
 * a connection that died without an error is noticed too.
 */
public final class ChangeListener implements AutoCloseable {
  /** What a running instance does with the store's announcements. */
  public interface Handler {
    /** Changes committed, in commit order. Runs on the listener's thread: hand anything slow to another. */
    void changed(List<StoreChange> changes);

    /** The listener is (again) listening: reload whatever may have changed unannounced before. */
    void listening();
  }

  static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  static final Duration IDLE_CHECK = Duration.ofSeconds(10);
  /** How long one wait for notifications lasts; bounds how long {@link #close()} waits for the thread. */
  private static final int WAIT_MILLIS = 250;
  private static final Logger LOG = LoggerFactory.getLogger(ChangeListener.class);

  private final Database database;
  private final Handler handler;
  private final Thread thread;
  private volatile boolean closed;
  private volatile Connection connection;
  private volatile int backendPid;
  private volatile long connections;

  private ChangeListener(Database database, Handler handler) {
    this.database = database;
    this.handler = handler;
    this.thread = new Thread(this::run, "toolgate-change-listener");
    this.thread.setDaemon(true);
  }

  /**
   * Starts listening to a PostgreSQL store's announcements; returns at once (the first connection is
   * made on the listener's thread, and {@link Handler#listening()} says when it is up).
   */
  public static ChangeListener start(Database database, Handler handler) {
    Objects.requireNonNull(handler, "handler");
    if (database.kind() != StoreSettings.Kind.POSTGRESQL) {
      throw new IllegalArgumentException("only a PostgreSQL store announces its changes, not " + database.target());
    }
    ChangeListener listener = new ChangeListener(database, handler);
    listener.thread.start();
    return listener;
  }

  /** The PostgreSQL backend process of the current listening connection; 0 when not connected. */
  public int backendPid() {
    return backendPid;
  }

  /** How many times a {@code LISTEN} has been set up: 1 after the first connection, one more per reconnection. */
  public long connections() {
    return connections;
  }

  private void run() {
    long backoff = FIRST_BACKOFF.toMillis();
    boolean reported = false;
    while (!closed) {
      try (Connection c = database.openDedicatedConnection("toolgate-listener")) {
        connection = c;
        listen(c);
        if (reported) {
          LOG.info("listening to store changes again on {}", database.target());
          reported = false;
        }
        backoff = FIRST_BACKOFF.toMillis();
        handler.listening();
        receive(c);
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          break;
        }
        if (!reported) { // once per outage: a database down for an hour must not flood the log
          LOG.warn("not listening to store changes on {} ({}); reconnecting, polling meanwhile", database.target(), e.getMessage());
          reported = true;
        }
      } finally {
        connection = null;
        backendPid = 0;
      }
      if (!closed) {
        sleep(backoff + (long) (Math.random() * backoff / 2)); // jitter: instances must not reconnect in step
        backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
      }
    }
  }

  private void listen(Connection c) throws SQLException {
    String channel;
    // The channel of the schema whose store_revision this connection's queries would use: the same
    // name the triggers compute from their table's schema.
    try (PreparedStatement query = c.prepareStatement("SELECT 'toolgate_' || md5(n.nspname) FROM pg_class t "
        + "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE t.oid = to_regclass('store_revision')");
        ResultSet row = query.executeQuery()) {
      if (!row.next()) {
        throw new SQLException("no store_revision table in the search path of " + database.target());
      }
      channel = row.getString(1);
    }
    try (Statement statement = c.createStatement()) {
      statement.execute("LISTEN \"" + channel + "\""); // md5 hex: nothing to escape
    }
    backendPid = c.unwrap(PGConnection.class).getBackendPID();
    connections++;
  }

  private void receive(Connection c) throws SQLException {
    PGConnection pg = c.unwrap(PGConnection.class);
    long lastHeard = System.nanoTime();
    while (!closed) {
      PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
      if (notifications != null && notifications.length > 0) {
        lastHeard = System.nanoTime();
        List<StoreChange> changes = new ArrayList<>(notifications.length);
        for (PGNotification notification : notifications) {
          StoreChange.parse(notification.getParameter()).ifPresentOrElse(changes::add,
              () -> LOG.debug("ignoring a store announcement this version does not know"));
        }
        if (!changes.isEmpty()) {
          handler.changed(changes);
        }
      } else if (System.nanoTime() - lastHeard > IDLE_CHECK.toNanos()) {
        try (Statement statement = c.createStatement()) {
          statement.execute("SELECT 1"); // fails on a connection that died without a word
        }
        lastHeard = System.nanoTime();
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops listening and closes the connection; returns once the listener's thread has ended (or after a few seconds). */
  @Override
  public void close() {
    closed = true;
    thread.interrupt(); // wakes it from a backoff sleep
    Connection c = connection;
    if (c != null) {
      try {
        c.abort(Runnable::run); // unblocks a wait for notifications at once
      } catch (SQLException | RuntimeException e) {
        LOG.debug("closing the listening connection: {}", e.toString());
      }
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
