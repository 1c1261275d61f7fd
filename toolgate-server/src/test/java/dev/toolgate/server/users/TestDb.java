package dev.toolgate.server.users;

import dev.toolgate.server.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * One test's migrated database: a SQLite file in a fresh temporary directory, or a fresh random
 * schema in the test PostgreSQL (127.0.0.1:5432, trust auth, database test, user postgres;
 * override with -Dtoolgate.test.postgres.url / .user). Removed on close.
 */
public abstract class TestDb implements AutoCloseable {
  public static final String POSTGRES_URL = System.getProperty("toolgate.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
  public static final String POSTGRES_USER = System.getProperty("toolgate.test.postgres.user", "postgres");
  private static final SecureRandom RANDOM = new SecureRandom();

  private Database database;

  /** Opens (and migrates) this test's database: each call a new pool on the same data. */
  public abstract Database open();

  abstract void drop();

  /** The database opened first, kept open until {@link #close()}. */
  public Database database() {
    if (database == null) {
      database = open();
    }
    return database;
  }

  @Override
  public void close() {
    try {
      if (database != null) {
        database.close();
      }
    } finally {
      drop();
    }
  }

  public static TestDb sqlite() {
    try {
      Path directory = Files.createTempDirectory("toolgate-users-test-");
      return new TestDb() {
        @Override
        public Database open() {
          return Database.openSqlite(directory.resolve("toolgate.db"));
        }

        @Override
        void drop() {
          try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }

        @Override
        public String toString() {
          return "SQLite";
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static TestDb postgres() {
    byte[] suffix = new byte[6];
    RANDOM.nextBytes(suffix);
    String schema = "toolgate_test_" + HexFormat.of().formatHex(suffix);
    return new TestDb() {
      @Override
      public Database open() {
        return Database.openPostgres(POSTGRES_URL, POSTGRES_USER, null, schema);
      }

      @Override
      void drop() {
        try (Connection connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, null);
            Statement statement = connection.createStatement()) {
          statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
          throw new IllegalStateException("could not drop test schema " + schema, e);
        }
      }

      @Override
      public String toString() {
        return "PostgreSQL";
      }
    };
  }

  /** Every cell of every row of a table, as text: for "this value is stored nowhere" checks. */
  public static List<String> cells(Database database, String table) {
    try (Connection connection = database.dataSource().getConnection();
        PreparedStatement query = connection.prepareStatement("SELECT * FROM " + table);
        ResultSet rows = query.executeQuery()) {
      ResultSetMetaData meta = rows.getMetaData();
      List<String> cells = new ArrayList<>();
      while (rows.next()) {
        for (int column = 1; column <= meta.getColumnCount(); column++) {
          cells.add(rows.getString(column));
        }
      }
      return cells;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
