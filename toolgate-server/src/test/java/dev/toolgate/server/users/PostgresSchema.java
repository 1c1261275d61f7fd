package dev.toolgate.server.users;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * A fresh random schema of the test PostgreSQL ({@link TestDb#POSTGRES_URL}), for tests that reach
 * the store through {@code toolgate.yaml} (servers, the CLI): {@link #storeLines()} are the keys of
 * a {@code store:} section that opens it. Dropped on close.
 */
public final class PostgresSchema implements AutoCloseable {
  private final String name;

  private PostgresSchema(String name) {
    this.name = name;
  }

  /** Creates {@code <prefix>_<random hex>}. */
  public static PostgresSchema create(String prefix) {
    byte[] suffix = new byte[6];
    new SecureRandom().nextBytes(suffix);
    PostgresSchema schema = new PostgresSchema(prefix + "_" + HexFormat.of().formatHex(suffix));
    execute("CREATE SCHEMA " + schema.name);
    return schema;
  }

  public String name() {
    return name;
  }

  /** {@code kind}, {@code url} and {@code user} of a {@code store:} section, indented two spaces, each line ending in a line break. */
  public String storeLines() {
    return "  kind: postgresql\n  url: \"" + TestDb.POSTGRES_URL + "?currentSchema=" + name + "\"\n  user: " + TestDb.POSTGRES_USER + "\n";
  }

  @Override
  public void close() {
    execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
  }

  private static void execute(String sql) {
    try (Connection connection = DriverManager.getConnection(TestDb.POSTGRES_URL, TestDb.POSTGRES_USER, null);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
