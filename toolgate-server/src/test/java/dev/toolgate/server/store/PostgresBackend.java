package dev.toolgate.server.store;

import dev.toolgate.core.config.StoreSettings;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import org.flywaydb.core.Flyway;

/**
 * A fresh, randomly named schema in the test PostgreSQL (trust auth, user postgres), dropped
 * afterwards. Override the URL with -Dtoolgate.test.postgres.url=….
 */
final class PostgresBackend implements TestBackend {
  static final String URL = System.getProperty("toolgate.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
  static final String USER = System.getProperty("toolgate.test.postgres.user", "postgres");

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String schema;

  PostgresBackend() {
    byte[] suffix = new byte[6];
    RANDOM.nextBytes(suffix);
    schema = "toolgate_test_" + HexFormat.of().formatHex(suffix);
  }

  String schema() {
    return schema;
  }

  @Override
  public StoreSettings.Kind kind() {
    return StoreSettings.Kind.POSTGRESQL;
  }

  @Override
  public Database open() {
    return Database.openPostgres(URL, USER, null, schema);
  }

  @Override
  public void migrateTo(String version) {
    Flyway.configure().dataSource(URL, USER, null).schemas(schema).defaultSchema(schema)
        .locations(Database.MIGRATIONS).target(version).load().migrate();
  }

  @Override
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(URL + "?currentSchema=" + schema, USER, null);
  }

  @Override
  public void close() {
    try (Connection connection = DriverManager.getConnection(URL, USER, null);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop test schema " + schema, e);
    }
  }
}
