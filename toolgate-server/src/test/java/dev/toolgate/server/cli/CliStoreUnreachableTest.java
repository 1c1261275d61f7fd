package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.store.CuttableTcpProxy;
import dev.toolgate.server.users.TestDb;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Commands against a PostgreSQL that cannot be reached (the test PostgreSQL behind a cut
 * {@link CuttableTcpProxy}): one clear line, exit code 1, within seconds, nothing changed.
 */
class CliStoreUnreachableTest extends CliTestSupport {
  private CuttableTcpProxy proxy;
  private String schema;

  @BeforeEach
  void postgresBehindAProxy() throws Exception {
    byte[] suffix = new byte[6];
    new SecureRandom().nextBytes(suffix);
    schema = "toolgate_cli_outage_" + HexFormat.of().formatHex(suffix);
    execute("CREATE SCHEMA " + schema);
    proxy = CuttableTcpProxy.toPostgres();
    Files.writeString(config, "store:\n  kind: postgresql\n  url: \"" + proxy.via(TestDb.POSTGRES_URL) + "?currentSchema=" + schema
        + "\"\n  user: " + TestDb.POSTGRES_USER + "\n" + CONFIG, StandardCharsets.UTF_8);
  }

  @AfterEach
  void dropSchema() {
    proxy.close();
    execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  @Test
  void aWriteWhileTheStoreIsUnreachableFailsClearlyAndFast() {
    createClient("before");
    proxy.cut();

    long started = System.nanoTime();
    Run refused = cmd("client", "create", "during", "--platform", "sendbird");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no hang").isLessThan(Duration.ofSeconds(15));
    refused.userError("PostgreSQL database", "as user " + TestDb.POSTGRES_USER);
    assertThat(refused.out()).isEmpty();

    proxy.restore();
    assertThat(clients()).extracting(c -> c.name()).containsExactly("before");
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
