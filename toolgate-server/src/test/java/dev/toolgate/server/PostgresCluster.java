package dev.toolgate.server;

import com.sun.net.httpserver.HttpServer;
import dev.toolgate.core.config.ConfigLoader;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.server.admin.AdminTokenStore;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.MasterKey;
import dev.toolgate.server.store.MasterKeyCheck;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.server.store.SigningKeyStore;
import dev.toolgate.server.users.UserStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Several real Toolgate instances in this JVM, each on its own port, sharing one store: a fresh
 * schema of the test PostgreSQL (127.0.0.1:5432, database test, user postgres), one master key
 * file and one configuration, in front of one upstream on loopback that answers 200. The stores
 * the CLI would use are open beside them, for changes made "by another process". Dropped on close.
 */
final class PostgresCluster implements AutoCloseable {
  static final String URL = System.getProperty("toolgate.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
  static final String USER = System.getProperty("toolgate.test.postgres.user", "postgres");
  static final String MASTER_TOKEN = "sendbird-master-token-of-the-cluster";

  final Path dir;
  final String schema;
  final Path configFile;
  final GatewayConfig config;
  final Database db;
  final MasterKey masterKey;
  final CredentialStore credentials;
  final OAuthClientStore oauth;
  final SigningKeyStore keys;
  final UserStore users;
  final AdminTokenStore adminTokens;
  private final HttpServer upstream;
  private final List<Toolgate> instances = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  PostgresCluster() throws IOException {
    byte[] suffix = new byte[6];
    new SecureRandom().nextBytes(suffix);
    schema = "toolgate_cluster_" + HexFormat.of().formatHex(suffix);
    execute("CREATE SCHEMA " + schema);
    dir = Files.createTempDirectory("toolgate-cluster-");
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      byte[] body = "upstream ok".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    upstream.start();
    String up = "http://127.0.0.1:" + upstream.getAddress().getPort();
    configFile = dir.resolve("toolgate.yaml");
    Files.writeString(configFile, """
        server: { host: 127.0.0.1, port: 0, shutdown_grace: 1s }
        failed_auth_limit: off
        store:
          kind: postgresql
          url: "URL?currentSchema=SCHEMA"
          user: USER
          master_key_file: KEYFILE
        audit: { flush_interval: 50ms }
        authorization_server:
          issuer: "http://toolgate.cluster.test"
          password_hash: { memory_kib: 8192, iterations: 1, parallelism: 1 }
        platforms:
          sendbird: { api_key_header: api-key }
        tools:
          - { name: bearer, platform: sendbird, method: GET, path: /bearer, upstream: "UP", policy: { require: [static_token] } }
          - { name: keyed, platform: sendbird, method: GET, path: /keyed, upstream: "UP", policy: { require: [api_key] } }
          - { name: signed, platform: sendbird, method: POST, path: /signed, upstream: "UP", policy: { require: [sendbird_signature] } }
          - { name: orders, method: GET, path: /orders, upstream: "UP",
              policy: { require: [client_token], client_token: { scopes: [orders.read] } } }
          - { name: profile, method: GET, path: /profile, upstream: "UP", policy: { require: [user_token] }, user: { forward: user_id } }
          - { name: bound, platform: sendbird, method: GET, path: /bound, upstream: "UP",
              policy: { require: [api_key] }, user: { platform_user_id: { header: x-user } } }
        """.replace("URL", URL).replace("SCHEMA", schema).replace("USER", USER)
        .replace("KEYFILE", dir.resolve("master.key").toString()).replace("UP", up), StandardCharsets.UTF_8);
    config = ConfigLoader.load(configFile);
    db = Database.open(config.store());
    masterKey = MasterKeyCheck.keyFor(db, config.store()).current(); // makes the key file both instances read
    credentials = new CredentialStore(db, masterKey);
    oauth = new OAuthClientStore(db);
    keys = new SigningKeyStore(db, masterKey, java.time.Clock.systemUTC());
    users = new UserStore(db);
    adminTokens = new AdminTokenStore(db);
  }

  /** Starts one more instance, polling the store every {@code fallbackPoll}. */
  Toolgate start(Duration fallbackPoll) {
    Toolgate instance = Toolgate.start(config, fallbackPoll);
    instances.add(instance);
    return instance;
  }

  HttpResponse<String> send(Toolgate instance, String method, String path, String body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.port() + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> get(Toolgate instance, String path, String... headers) {
    return send(instance, "GET", path, null, headers);
  }

  HttpResponse<String> post(Toolgate instance, String path, String body, String... headers) {
    return send(instance, "POST", path, body, headers);
  }

  /** What a poll with a deadline saw: the last answer and how long after the start it came. */
  record Outcome(HttpResponse<String> response, Duration after, boolean met) {}

  /**
   * Calls {@code call} again and again until its answer satisfies {@code wanted} or {@code deadline}
   * has passed since {@code startNanos}; the answer that met it, or the last one.
   */
  static Outcome until(long startNanos, Duration deadline, java.util.function.Supplier<HttpResponse<String>> call,
      Predicate<HttpResponse<String>> wanted) {
    while (true) {
      HttpResponse<String> response = call.get();
      Duration after = Duration.ofNanos(System.nanoTime() - startNanos);
      if (wanted.test(response)) {
        return new Outcome(response, after, true);
      }
      if (after.compareTo(deadline) > 0) {
        return new Outcome(response, after, false);
      }
      try {
        Thread.sleep(2); // leaves the cores to the instances: this loop must not slow what it measures
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Outcome(response, after, false);
      }
    }
  }

  static Predicate<HttpResponse<String>> status(int status) {
    return r -> r.statusCode() == status;
  }

  static Predicate<HttpResponse<String>> refused(int status, String code) {
    return r -> r.statusCode() == status && r.body().contains("\"" + code + "\"");
  }

  /** Runs SQL on a connection of its own to this cluster's schema. */
  void sql(String sql) {
    try (Connection connection = DriverManager.getConnection(URL + "?currentSchema=" + schema, USER, null);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  static void execute(String sql) {
    try (Connection connection = DriverManager.getConnection(URL, USER, null); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      for (Toolgate instance : instances) {
        instance.close();
      }
      db.close();
      upstream.stop(0);
    } finally {
      execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }
}
