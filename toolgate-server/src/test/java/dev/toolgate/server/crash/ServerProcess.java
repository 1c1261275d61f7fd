package dev.toolgate.server.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.store.Database;
import dev.toolgate.server.users.PostgresSchema;
import dev.toolgate.server.users.TestDb;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar as a server process, for the crash tests: started on the {@code toolgate.yaml} of a
 * directory, killed with SIGKILL, restarted on the same store; and the stores such tests use (a SQLite
 * file checked with {@code PRAGMA integrity_check}, a fresh schema of the test PostgreSQL).
 */
final class ServerProcess {
  static final Path JAR = Path.of("target", "toolgate.jar").toAbsolutePath();
  private static final Duration START_DEADLINE = Duration.ofSeconds(90);

  private ServerProcess() {}

  /** Starts the jar in {@code dir} (its log: {@code server-<round>.log}) and waits until /readyz says 200. */
  static Process start(Path dir, HttpClient http, String base, int round) throws Exception {
    assertThat(JAR).as("built by mvn package before the integration tests").exists();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = dir.resolve("server-" + round + ".log");
    Process p = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString(), "serve", "-c", "toolgate.yaml")
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + START_DEADLINE.toNanos();
    while (true) {
      if (!p.isAlive()) {
        throw new AssertionError("the server exited (" + p.exitValue() + "):\n" + Files.readString(log));
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return p;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new AssertionError("not ready within " + START_DEADLINE + ":\n" + Files.readString(log));
      }
      Thread.sleep(100);
    }
  }

  /** SIGKILL (what {@link Process#destroyForcibly} sends on Linux), and waits until the process is gone. */
  static void sigkill(Process server) throws InterruptedException {
    server.destroyForcibly();
    assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("the server is gone after SIGKILL").isTrue();
  }

  /** A graceful stop (SIGTERM), then SIGKILL if it takes too long. */
  static void stop(Process server) throws InterruptedException {
    server.destroy();
    server.waitFor(30, TimeUnit.SECONDS);
    server.destroyForcibly();
  }

  /** Opens the store a crash test checks. */
  @FunctionalInterface
  interface StoreOpener {
    Database open() throws Exception;
  }

  /** A crash test's rounds, in {@code dir}, on the store {@code storeYaml} configures and {@code openStore} opens. */
  @FunctionalInterface
  interface CrashRounds {
    void run(Path dir, String storeYaml, StoreOpener openStore) throws Exception;
  }

  /** Runs {@code rounds} on a SQLite file in a fresh directory, checked with {@code PRAGMA integrity_check} when opened. */
  static void onSqlite(String prefix, CrashRounds rounds) throws Exception {
    Path dir = Files.createTempDirectory(prefix + "-sqlite-");
    Path db = dir.resolve("toolgate.db");
    rounds.run(dir, "store: { kind: sqlite, path: toolgate.db, master_key_file: toolgate.key }\n", () -> openIntactSqlite(db));
    deleteTree(dir); // kept when the rounds fail: the logs and the store are what to look at
  }

  /** Runs {@code rounds} on a fresh schema of the test PostgreSQL, dropped afterwards. */
  static void onPostgres(String prefix, CrashRounds rounds) throws Exception {
    Path dir = Files.createTempDirectory(prefix + "-pg-");
    try (PostgresSchema schema = PostgresSchema.create(prefix.replace('-', '_'))) {
      rounds.run(dir, "store:\n" + schema.storeLines() + "  master_key_file: toolgate.key\n",
          () -> Database.openPostgres(TestDb.POSTGRES_URL, TestDb.POSTGRES_USER, null, schema.name()));
    }
    deleteTree(dir);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Opens the SQLite file a SIGKILL left and checks that it is intact. */
  static Database openIntactSqlite(Path file) throws SQLException {
    Database database = Database.openSqlite(file);
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).as("the SQLite file after SIGKILL").isEqualTo("ok");
    }
    return database;
  }
}
