package dev.toolgate.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.toolgate.core.config.StoreSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * An open, migrated database: a connection pool plus the schema from {@code db/migration}.
 *
 * <p>Two backends, one set of migrations: SQLite (the embedded default, one file) and PostgreSQL.
 * Opening applies any pending migration, so a fresh file or an empty schema is ready to use and
 * reopening an up-to-date database changes nothing.
 */
public final class Database implements AutoCloseable {
  public static final String MIGRATIONS = "classpath:db/migration";

  /** SQLite serialises writers anyway; a few connections let readers proceed beside one writer. */
  private static final int SQLITE_POOL_SIZE = 4;

  private static final int POSTGRES_POOL_SIZE = 8;
  /**
   * How long a unit of work waits for a connection (Hikari's default is 30 s): when the store is
   * down, a write that cannot wait (creating a credential, an admin change, a revocation) fails
   * with 503 after this, instead of holding its caller for half a minute.
   */
  static final long CONNECTION_TIMEOUT_MILLIS = 5_000;
  /** PostgreSQL: a TCP connect that gets no answer gives up after this (seconds; the driver's default is 10). */
  private static final String POSTGRES_CONNECT_TIMEOUT_SECONDS = "5";
  /**
   * PostgreSQL: a statement whose connection goes silent (a network that drops packets rather than
   * refusing them) fails after this (seconds) instead of never; migrations are exempt.
   */
  private static final String POSTGRES_SOCKET_TIMEOUT_SECONDS = "30";
  private static final int SQLITE_BUSY_TIMEOUT_MILLIS = 5_000;
  private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");

  private final HikariDataSource pool;
  private final StoreSettings.Kind kind;
  /**
   * SQLite: this process's write transactions, committed in groups by one thread (they never meet
   * at the file lock, whose busy handler sleeps in growing steps, and they share the fsync); null on
   * PostgreSQL. Another process (the CLI) still waits on busy_timeout.
   */
  private final SqliteGroupCommit groupCommit;
  private final String target;
  /** Opens a connection outside the pool, with the pool's settings; null for SQLite. */
  private final DedicatedConnections dedicated;

  /** How a connection outside the pool is opened. */
  @FunctionalInterface
  private interface DedicatedConnections {
    Connection open(String applicationName) throws SQLException;
  }

  private Database(HikariDataSource pool, StoreSettings.Kind kind, String target, DedicatedConnections dedicated) {
    this.pool = pool;
    this.kind = kind;
    this.target = target;
    this.dedicated = dedicated;
    this.groupCommit = kind == StoreSettings.Kind.SQLITE ? new SqliteGroupCommit(pool, target) : null;
  }

  /** Opens the store the settings describe; the PostgreSQL password comes from the environment. */
  public static Database open(StoreSettings settings) {
    return open(settings, System::getenv);
  }

  /** As {@link #open(StoreSettings)}, reading environment variables through {@code env}. */
  public static Database open(StoreSettings settings, Function<String, String> env) {
    Objects.requireNonNull(settings, "settings");
    if (settings.kind() == null) {
      throw new StoreException("store kind is not set (expected sqlite or postgresql)");
    }
    switch (settings.kind()) {
      case SQLITE:
        if (settings.path() == null || settings.path().isBlank()) {
          throw new StoreException("SQLite store: no database file path configured (store.path)");
        }
        return openSqlite(Path.of(settings.path()));
      case POSTGRESQL:
        return openPostgres(settings.url(), settings.user(), password(settings, env), null);
      default:
        throw new StoreException("unsupported store kind " + settings.kind());
    }
  }

  /**
   * Opens (creating if needed) a SQLite database file.
   *
   * <p>Every pragma is part of the driver configuration, so each pooled connection gets it when it
   * is opened, not just the first one: WAL lets readers run beside the writer and survives a crash
   * mid-write; synchronous=FULL syncs the WAL on every commit, so a commit reported is a commit kept
   * even on power loss; busy_timeout makes a second process (the CLI beside the server) wait for
   * the write lock instead of failing; foreign_keys is off by default in SQLite.
   */
  public static Database openSqlite(Path file) {
    Path absolute = file.toAbsolutePath();
    String target = "SQLite database " + absolute;
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(SQLITE_BUSY_TIMEOUT_MILLIS);
    config.enforceForeignKeys(true);
    SQLiteDataSource driver = new SQLiteDataSource(config);
    driver.setUrl("jdbc:sqlite:" + absolute);

    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("toolgate-sqlite");
    hikari.setDataSource(driver);
    hikari.setMaximumPoolSize(SQLITE_POOL_SIZE);
    hikari.setMinimumIdle(1);
    hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
    return start(hikari, StoreSettings.Kind.SQLITE, target, null, null, null);
  }

  /**
   * Opens a PostgreSQL database. {@code schema} (may be null: the connection's default search
   * path) is created if missing and used for both the tables and Flyway's history, which is how
   * tests isolate themselves in a fresh schema.
   */
  public static Database openPostgres(String url, String user, String password, String schema) {
    if (url == null || !url.startsWith("jdbc:postgresql:")) {
      throw new StoreException(
          "PostgreSQL store: store.url must be a jdbc:postgresql: URL, got "
              + (url == null ? "nothing" : "'" + redact(url) + "'"));
    }
    if (schema != null && !SCHEMA_NAME.matcher(schema).matches()) {
      throw new StoreException("PostgreSQL store: invalid schema name '" + schema + "'");
    }
    String target =
        "PostgreSQL database "
            + redact(url)
            + (user == null ? "" : " as user " + user)
            + (schema == null ? "" : " in schema " + schema);
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("toolgate-postgresql");
    hikari.setJdbcUrl(url);
    hikari.setUsername(user);
    hikari.setPassword(password);
    hikari.setMaximumPoolSize(POSTGRES_POOL_SIZE);
    hikari.setMinimumIdle(1);
    hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
    if (schema != null) {
      hikari.setSchema(schema);
    }
    // The server's "Detail:" text can quote row values; keep them out of exception messages
    // (which end up in logs and admin responses).
    hikari.addDataSourceProperty("logServerErrorDetail", "false");
    // Defaults only: the same parameters in the URL win.
    hikari.addDataSourceProperty("connectTimeout", POSTGRES_CONNECT_TIMEOUT_SECONDS);
    hikari.addDataSourceProperty("socketTimeout", POSTGRES_SOCKET_TIMEOUT_SECONDS);
    DedicatedConnections dedicated = applicationName -> {
      Properties properties = new Properties();
      if (user != null) {
        properties.setProperty("user", user);
      }
      if (password != null) {
        properties.setProperty("password", password);
      }
      if (schema != null) {
        properties.setProperty("currentSchema", schema);
      }
      properties.setProperty("logServerErrorDetail", "false");
      properties.setProperty("ApplicationName", applicationName);
      properties.setProperty("connectTimeout", POSTGRES_CONNECT_TIMEOUT_SECONDS);
      properties.setProperty("socketTimeout", POSTGRES_SOCKET_TIMEOUT_SECONDS); // a query on a connection that died without a word fails, never hangs
      properties.setProperty("tcpKeepAlive", "true");
      Connection connection = new org.postgresql.Driver().connect(url, properties);
      if (connection == null) {
        throw new SQLException("the PostgreSQL driver does not accept " + redact(url));
      }
      return connection;
    };
    return start(hikari, StoreSettings.Kind.POSTGRESQL, target, schema, migrationSource(url, user, password), dedicated);
  }

  /**
   * Migrations run on connections of their own, without the pool's socket timeout: a migration of
   * a large audit table may legitimately keep a statement busy for minutes.
   */
  private static DataSource migrationSource(String url, String user, String password) {
    org.postgresql.ds.PGSimpleDataSource source = new org.postgresql.ds.PGSimpleDataSource();
    source.setUrl(url);
    if (user != null) {
      source.setUser(user);
    }
    if (password != null) {
      source.setPassword(password);
    }
    source.setLogServerErrorDetail(false);
    source.setConnectTimeout(Integer.parseInt(POSTGRES_CONNECT_TIMEOUT_SECONDS));
    return source;
  }

  /**
   * @param migrations where Flyway connects; null: the pool
   * @param dedicated connections outside the pool (a listener's); null when the backend has none
   */
  private static Database start(HikariConfig hikari, StoreSettings.Kind kind, String target, String schema, DataSource migrations,
      DedicatedConnections dedicated) {
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(hikari);
    } catch (RuntimeException e) {
      throw new StoreException("cannot open " + target + ": " + rootMessage(e), e);
    }
    try {
      FluentConfiguration flyway = Flyway.configure().dataSource(migrations != null ? migrations : pool)
          .locations(MIGRATIONS).failOnMissingLocations(true);
      if (schema != null) {
        flyway.schemas(schema).defaultSchema(schema);
      }
      flyway.load().migrate();
    } catch (RuntimeException e) {
      pool.close();
      throw new StoreException("cannot apply migrations to " + target + ": " + rootMessage(e), e);
    }
    return new Database(pool, kind, target, dedicated);
  }

  /**
   * Checks, without connecting, that the password {@code store.password_env} names is set, as
   * opening the store would ({@code toolgate validate}).
   *
   * @throws dev.toolgate.core.config.ConfigException naming the line of {@code password_env} when it is not
   */
  public static void checkPassword(StoreSettings settings, Function<String, String> env) {
    password(settings, env);
  }

  private static String password(StoreSettings settings, Function<String, String> env) {
    String variable = settings.passwordEnv();
    if (variable == null || variable.isBlank()) {
      return null;
    }
    String value = env.apply(variable);
    if (value == null || value.isEmpty()) {
      // Not named: a password written where the variable's name belongs would be printed.
      String problem = "the environment variable it names is not set (or is empty). It must be the NAME of an environment"
          + " variable that holds the database password (e.g. TOOLGATE_DB_PASSWORD), never the password itself;"
          + " the value is not repeated here in case it is one";
      throw settings.passwordEnvAt() != null
          ? settings.passwordEnvAt().error(problem)
          : new StoreException("PostgreSQL store: store.password_env: " + problem);
    }
    return value;
  }

  /** A URL may carry {@code password=…}; messages must not. */
  static String redact(String url) {
    return URL_PASSWORD.matcher(url).replaceAll("$1***");
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message;
  }

  /** Where {@link Jdbc#write} sends SQLite's write transactions; null on PostgreSQL. */
  SqliteGroupCommit groupCommit() {
    return groupCommit;
  }

  public StoreSettings.Kind kind() {
    return kind;
  }

  /** What this database is, for messages: backend and file or redacted URL (never a password). */
  public String target() {
    return target;
  }

  public DataSource dataSource() {
    return pool;
  }

  /**
   * A new PostgreSQL connection outside the pool, with the pool's URL, user, password and schema,
   * for a session that must last (a {@code LISTEN}); the caller closes it. Blocking.
   *
   * @param applicationName what {@code pg_stat_activity} shows for it
   * @throws UnsupportedOperationException on SQLite
   */
  public Connection openDedicatedConnection(String applicationName) throws SQLException {
    if (dedicated == null) {
      throw new UnsupportedOperationException(target + " has no connections outside its pool");
    }
    return dedicated.open(applicationName);
  }

  @Override
  public void close() {
    if (groupCommit != null) {
      groupCommit.close();
    }
    pool.close();
  }

  @Override
  public String toString() {
    return "Database[" + target + "]";
  }
}
