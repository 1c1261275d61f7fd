package dev.toolgate.server.http;

import dev.toolgate.core.config.ConfigLoader;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.server.Toolgate;
import dev.toolgate.server.store.AuditLog;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.MasterKey;
import dev.toolgate.server.users.PostgresSchema;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Several real Toolgate instances, each on its own loopback port, sharing one configuration file,
 * one PostgreSQL store (a fresh schema of the test database, dropped on close), one master key and
 * one Redis: a scale-out deployment in one JVM. Credentials are managed through a store connection
 * of the test's own, as the CLI would.
 */
final class ToolgateCluster implements AutoCloseable {
  static final String ISSUER = "http://toolgate.cluster.test";

  final Path dir;
  final PostgresSchema schema;
  final RecordingUpstream upstream = new RecordingUpstream();
  final GatewayConfig config;
  final Database adminDb;
  final CredentialStore admin;
  final AuditLog auditLog;
  final List<Toolgate> instances = new ArrayList<>();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * @param redisYaml the {@code redis:} section (two-space indented keys after a {@code redis:} line), or "" for none
   * @param toolsYaml the tools (each {@code  - name: ...}, {@code UPSTREAM} for the upstream's URL), other top-level sections may
   *     follow; an {@code authorization_server} section with {@code issuer: }{@link #ISSUER} makes tokens valid on every instance
   */
  ToolgateCluster(String redisYaml, String toolsYaml) throws Exception {
    dir = Files.createTempDirectory("toolgate-cluster-");
    schema = PostgresSchema.create("tg_cluster");
    String yaml = """
        server:
          host: 127.0.0.1
          port: 0
          upstream_timeout: 5s
          shutdown_grace: 2s
          trusted_proxies: [127.0.0.1]  # tests name the client IP with X-Forwarded-For
        store:
        STORE  master_key_file: DIR/master.key
        audit:
          batch_size: 100
          flush_interval: 50ms
        platforms:
          hooks: {}
          sendbird:
            api_key_header: api-key
        REDIS
        tools:
        """.replace("STORE", schema.storeLines()).replace("DIR", dir.toString()).replace("REDIS\n", redisYaml)
        + toolsYaml.replace("UPSTREAM", upstream.url());
    Path file = dir.resolve("toolgate.yaml");
    Files.writeString(file, yaml);
    config = ConfigLoader.load(file);
    adminDb = Database.open(config.store());
    admin = new CredentialStore(adminDb, MasterKey.load(config.store()), Clock.systemUTC());
    auditLog = new AuditLog(adminDb);
  }

  /** Starts {@code count} instances and waits until each is ready (its store loaded and, when configured, Redis connected). */
  ToolgateCluster start(int count) throws Exception {
    for (int i = 0; i < count; i++) {
      instances.add(Toolgate.start(config));
    }
    for (int i = 0; i < count; i++) {
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (send(get(i, "/readyz").build()).statusCode() != 200) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("instance " + i + " did not become ready");
        }
        Thread.sleep(20);
      }
    }
    return this;
  }

  String base(int instance) {
    return "http://127.0.0.1:" + instances.get(instance).port();
  }

  HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  HttpRequest.Builder post(int instance, String path, String body) {
    return HttpRequest.newBuilder(URI.create(base(instance) + path)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).header("content-type", "application/json");
  }

  HttpRequest.Builder get(int instance, String path) {
    return HttpRequest.newBuilder(URI.create(base(instance) + path)).timeout(Duration.ofSeconds(10)).GET();
  }

  @Override
  public void close() throws Exception {
    for (Toolgate t : instances) {
      t.close();
    }
    adminDb.close();
    upstream.close();
    schema.close();
  }
}
