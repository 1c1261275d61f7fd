package dev.toolgate.server.http;

import dev.toolgate.core.config.ConfigLoader;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.server.Toolgate;
import dev.toolgate.server.store.AuditLog;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.MasterKey;
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

/**
 * A real gateway on loopback, in front of a {@link RecordingUpstream}, on a fresh SQLite store.
 * Credentials are managed through a second store connection, as the CLI would do.
 */
final class GatewayHarness implements AutoCloseable {
  final Path dir;
  final RecordingUpstream upstream;
  final GatewayConfig config;
  final Database adminDb;
  final CredentialStore admin;
  final AuditLog auditLog;
  Toolgate gateway;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  GatewayHarness(String toolsYaml) throws Exception {
    this(toolsYaml, "1s");
  }

  GatewayHarness(String toolsYaml, String upstreamTimeout) throws Exception {
    this(toolsYaml, upstreamTimeout, "", "");
  }

  /**
   * With extra lines in the {@code server:} section ({@code serverYaml}, indented two spaces, e.g.
   * {@code "  trusted_proxies: [127.0.0.1]\n"}) and extra platforms ({@code platformsYaml}, indented
   * two spaces). Other top-level sections can follow the tools in {@code toolsYaml}.
   */
  GatewayHarness(String toolsYaml, String upstreamTimeout, String serverYaml, String platformsYaml) throws Exception {
    dir = Files.createTempDirectory("toolgate-it-");
    upstream = new RecordingUpstream();
    String yaml = """
        server:
          host: 127.0.0.1
          port: 0
          max_body_bytes: 4096
          upstream_timeout: TIMEOUT
          shutdown_grace: 5s
        SERVER_EXTRA
        FAILED_AUTH
        audit:
          batch_size: 100
          flush_interval: 50ms
        platforms:
          sendbird:
            signature_header: x-sendbird-signature
            signature_encoding: hex_lower
            api_key_header: api-key
          asapp:
            api_key_header: X-Api-Key
        PLATFORMS_EXTRA
        tools:
        """.replace("TIMEOUT", upstreamTimeout).replace("SERVER_EXTRA\n", serverYaml).replace("PLATFORMS_EXTRA\n", platformsYaml)
        // The suites send many bad credentials from 127.0.0.1: the default failed-authentication
        // limit (20 a minute per IP) would turn their 401s into 429s, so it is off unless a test sets it.
        .replace("FAILED_AUTH\n", toolsYaml.contains("failed_auth_limit:") ? "" : "failed_auth_limit: off\n")
        + toolsYaml.replace("UPSTREAM", upstream.url());
    Path file = dir.resolve("toolgate.yaml");
    Files.writeString(file, yaml);
    config = ConfigLoader.load(file);
    adminDb = Database.open(config.store());
    admin = new CredentialStore(adminDb, MasterKey.load(config.store()), Clock.systemUTC());
    auditLog = new AuditLog(adminDb);
  }

  GatewayHarness start() {
    gateway = Toolgate.start(config);
    return this;
  }

  /** Starts reading the variables the configuration names from {@code env} instead of the process environment. */
  GatewayHarness start(java.util.function.Function<String, String> env) {
    gateway = Toolgate.start(config, env);
    return this;
  }

  /** Starts tracing with {@code tracing} (an SDK the test built) instead of the configuration's. */
  GatewayHarness start(dev.toolgate.server.tracing.Tracing tracing) {
    gateway = Toolgate.start(config, tracing);
    return this;
  }

  String base() {
    return "http://127.0.0.1:" + gateway.port();
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(URI.create(base() + path)).GET();
  }

  HttpRequest.Builder post(String path, String body) {
    return HttpRequest.newBuilder(URI.create(base() + path)).POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .header("content-type", "application/json");
  }

  HttpRequest.Builder post(String path, byte[] body) {
    return HttpRequest.newBuilder(URI.create(base() + path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  @Override
  public void close() {
    if (gateway != null) {
      gateway.close();
    }
    adminDb.close();
    upstream.close();
  }
}
