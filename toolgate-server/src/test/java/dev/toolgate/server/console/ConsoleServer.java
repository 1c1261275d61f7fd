package dev.toolgate.server.console;

import dev.toolgate.core.config.ConfigLoader;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.server.Toolgate;
import dev.toolgate.server.admin.AdminRole;
import dev.toolgate.server.admin.AdminToken;
import dev.toolgate.server.admin.AdminTokenStore;
import dev.toolgate.server.demo.DemoUpstream;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.IssuedSecret;
import dev.toolgate.server.store.MasterKeyCheck;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Toolgate on loopback with a demo-like configuration (a Sendbird-signed tool, a static-token
 * tool, an API-key tool, an anonymous one) in front of the demo's sample upstream, on a fresh SQLite
 * store; admin tokens and credentials are made through a second connection to that store, as the CLI does.
 */
final class ConsoleServer implements AutoCloseable {
  static final String CONFIG = """
      server:
        host: 127.0.0.1
        port: 0
        max_body_bytes: 64KiB
        upstream_timeout: 5s
      failed_auth_limit: off
      audit:
        flush_interval: 50ms
      authorization_server:
        password_hash: { memory_kib: 8192, iterations: 1, parallelism: 1 }
      platforms:
        sendbird:
          signature_header: x-sendbird-signature
          signature_encoding: hex_lower
          api_key_header: api-key
      tools:
        - { name: order_status, platform: sendbird, method: POST, path: /orders/status, upstream: UPSTREAM,
            policy: { require: [sendbird_signature] } }
        - { name: lookup_profile, platform: sendbird, method: GET, path: "/users/{user_id}/profile", upstream: "UPSTREAM/profile/{user_id}",
            policy: { require: [static_token] } }
        - { name: catalog_search, platform: sendbird, method: GET, path: /catalog/search, upstream: UPSTREAM,
            policy: { require: [api_key] } }
        - { name: service_status, method: GET, path: /status, upstream: UPSTREAM, policy: { anonymous: true } }
      """;

  final Path dir;
  /** The configuration file the server was started from. */
  final Path file;
  final Vertx upstreamVertx;
  final DemoUpstream upstream;
  final GatewayConfig config;
  final Toolgate toolgate;
  final Database database;
  final AdminTokenStore tokens;
  final CredentialStore credentials;
  final HttpClient http;
  private final String scheme;

  private ConsoleServer() throws Exception {
    this("", null);
  }

  /**
   * @param serverYaml more lines of the {@code server:} section (indented two spaces: {@code server.tls})
   * @param tls what the test's client trusts when {@code server.tls} is set, or null for plain HTTP
   */
  private ConsoleServer(String serverYaml, javax.net.ssl.SSLContext tls) throws Exception {
    HttpClient.Builder client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(30));
    http = tls == null ? client.build() : client.sslContext(tls).build();
    scheme = tls == null ? "http" : "https";
    dir = Files.createTempDirectory("toolgate-console-");
    upstreamVertx = Vertx.vertx();
    upstream = DemoUpstream.start(upstreamVertx, "127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Path file = dir.resolve("toolgate.yaml");
    Files.writeString(file, CONFIG.replace("UPSTREAM", "http://127.0.0.1:" + upstream.port())
        .replace("  upstream_timeout: 5s\n", "  upstream_timeout: 5s\n" + serverYaml), StandardCharsets.UTF_8);
    this.file = file;
    config = ConfigLoader.load(file);
    try {
      // Started from its file, as `toolgate serve` does, so that the console's reload has a file to read.
      dev.toolgate.server.ConfigFile configFile = new dev.toolgate.server.ConfigFile(file);
      toolgate = Toolgate.start(configFile, configFile.load());
    } catch (RuntimeException e) {
      upstreamVertx.close();
      throw e;
    }
    database = Database.open(config.store());
    tokens = new AdminTokenStore(database);
    credentials = new CredentialStore(database, MasterKeyCheck.keyFor(database, config.store()).box(), Clock.systemUTC());
  }

  static ConsoleServer start() throws Exception {
    return new ConsoleServer();
  }

  /** Over TLS ({@code server.tls} with {@code chain} and {@code key}), the client trusting {@code trust}. */
  static ConsoleServer startTls(Path chain, Path key, javax.net.ssl.SSLContext trust) throws Exception {
    return new ConsoleServer("  tls:\n    certificate: " + chain + "\n    key: " + key + "\n", trust);
  }

  String base() {
    return scheme + "://127.0.0.1:" + toolgate.port();
  }

  int port() {
    return toolgate.port();
  }

  /**
   * A new admin token, made in the store, and used once on the admin API so that the running server
   * knows it now (it would within a second anyway): the console is on from here.
   */
  IssuedSecret<AdminToken> adminToken(AdminRole role) {
    IssuedSecret<AdminToken> issued = tokens.create(role.value() + "-" + System.nanoTime(), role, null);
    HttpResponse<String> used = get("/admin/clients", "authorization", "Bearer " + issued.plaintext());
    if (used.statusCode() != 200 && used.statusCode() != 403) {
      throw new IllegalStateException("a new admin token was refused: " + used.statusCode() + " " + used.body());
    }
    return issued;
  }

  HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base() + path));
  }

  HttpResponse<String> get(String path, String... headers) {
    HttpRequest.Builder b = request(path).GET();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b);
  }

  HttpResponse<String> call(String method, String path, String json, String... headers) {
    HttpRequest.Builder b = request(path).method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("content-type", "application/json");
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b);
  }

  /** Exact bytes over a socket ({@code Connection: close} is the caller's to send); the whole answer as text. */
  String raw(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      in.transferTo(answer);
      return answer.toString(StandardCharsets.ISO_8859_1);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      toolgate.close();
    } finally {
      database.close();
      upstreamVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
    }
  }
}
