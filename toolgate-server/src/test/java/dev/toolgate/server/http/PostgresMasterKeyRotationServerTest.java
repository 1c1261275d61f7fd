package dev.toolgate.server.http;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/** {@link MasterKeyRotationServerContract} on PostgreSQL: a fresh random schema the servers and the CLI share, dropped afterwards. */
class PostgresMasterKeyRotationServerTest extends MasterKeyRotationServerContract {
  private static final String URL = System.getProperty("toolgate.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
  private static final String USER = System.getProperty("toolgate.test.postgres.user", "postgres");

  private String schema;

  @Override
  String storeLines(Path dir) {
    byte[] suffix = new byte[6];
    new SecureRandom().nextBytes(suffix);
    schema = "toolgate_rotation_test_" + HexFormat.of().formatHex(suffix);
    execute("CREATE SCHEMA " + schema);
    return "  kind: postgresql\n  url: \"" + URL + "?currentSchema=" + schema + "\"\n  user: " + USER + "\n";
  }

  @Override
  void dropStore() {
    if (schema != null) {
      execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  private static void execute(String sql) {
    try (Connection connection = DriverManager.getConnection(URL, USER, null); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
