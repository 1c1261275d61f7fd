package dev.toolgate.server.http;

import dev.toolgate.core.config.ConfigLoader;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.server.Toolgate;
import dev.toolgate.server.admin.AdminTokenStore;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.CuttableTcpProxy;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.MasterKey;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.server.users.TestDb;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real gateway on a fresh schema of the test PostgreSQL, reached through a {@link CuttableTcpProxy}
 * (the gateway's only way to the store), in front of a {@link RecordingUpstream}. Credentials and an
 * admin token are made through a direct connection, as the CLI would. One tool takes a static
 * token, one an API key.
 */
final class OutageGateway implements AutoCloseable {
  final Path dir;
  final Path spillDir;
  final String schema;
  final CuttableTcpProxy proxy;
  final RecordingUpstream upstream;
  final GatewayConfig config;
  final Database direct;
  final String token;
  final String apiKey;
  final String adminToken;
  final String clientId;
  /** The client's secret for {@code /oauth/token} (client_secret_basic). */
  final String clientSecret;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  Toolgate gateway;

  /** @param bufferMaxEvents audit.buffer_max_events: 1 makes nearly every record go through the spill file */
  OutageGateway(int bufferMaxEvents) throws Exception {
    this(bufferMaxEvents, "");
  }

  /** @param auditExtra more keys of the {@code audit} flow mapping, each after a comma: {@code ", spill_max_bytes: 1"} */
  OutageGateway(int bufferMaxEvents, String auditExtra) throws Exception {
    dir = Files.createTempDirectory("toolgate-outage-");
    spillDir = dir.resolve("spill");
    byte[] suffix = new byte[6];
    new SecureRandom().nextBytes(suffix);
    schema = "toolgate_outage_" + HexFormat.of().formatHex(suffix);
    execute("CREATE SCHEMA " + schema);
    proxy = CuttableTcpProxy.toPostgres();
    upstream = new RecordingUpstream();
    String yaml = """
        server: { host: 127.0.0.1, port: 0, upstream_timeout: 5s, shutdown_grace: 2s }
        failed_auth_limit: off
        store:
          kind: postgresql
          url: "URL?currentSchema=SCHEMA"
          user: USER
          master_key_file: toolgate.key
        audit: { batch_size: 100, flush_interval: 20ms, buffer_max_events: BUFFER, spill_dir: spill AUDIT_EXTRA}
        authorization_server:
          password_hash: { memory_kib: 8192, iterations: 1, parallelism: 1 }
        platforms:
          sendbird: { api_key_header: api-key }
        tools:
          - { name: profile, platform: sendbird, method: GET, path: "/users/{user_id}/profile",
              upstream: "UPSTREAM/profile/{user_id}", policy: { require: [static_token] } }
          - { name: search, platform: sendbird, method: GET, path: /catalog/search,
              upstream: "UPSTREAM", policy: { require: [api_key] } }
          - { name: orders, platform: sendbird, method: GET, path: /orders/status,
              upstream: "UPSTREAM", policy: { require: [client_token], client_token: { scopes: [orders.read] } } }
        """.replace("URL", proxy.via(TestDb.POSTGRES_URL)).replace("SCHEMA", schema).replace("USER", TestDb.POSTGRES_USER)
        .replace("BUFFER", Integer.toString(bufferMaxEvents)).replace(" AUDIT_EXTRA", auditExtra).replace("UPSTREAM", upstream.url());
    Path file = dir.resolve("toolgate.yaml");
    Files.writeString(file, yaml);
    config = ConfigLoader.load(file);
    direct = Database.openPostgres(TestDb.POSTGRES_URL, TestDb.POSTGRES_USER, null, schema);
    CredentialStore credentials = new CredentialStore(direct, MasterKey.load(config.store()), java.time.Clock.systemUTC());
    String client = credentials.createClient("agent", "sendbird").id();
    token = credentials.createStaticToken(client, null).plaintext();
    apiKey = credentials.createApiKey(client, Set.of("search"), null).plaintext();
    OAuthClientStore oauth = new OAuthClientStore(direct);
    oauth.setOAuthSettings(client, Set.of("orders.read"), Duration.ofMinutes(30), Set.of("client_secret_basic"), null);
    clientId = client;
    clientSecret = oauth.createClientSecret(client, null).plaintext();
    adminToken = new AdminTokenStore(direct).create("ops", null).plaintext();
  }

  OutageGateway start() {
    gateway = Toolgate.start(config);
    return this;
  }

  /** Stops the gateway (as a shutdown would), keeping the store, the proxy and the spill directory. */
  void stop() {
    gateway.close();
    gateway = null;
  }

  String base() {
    return "http://127.0.0.1:" + gateway.port();
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(URI.create(base() + path)).GET();
  }

  /** A form POST to one of the OAuth endpoints, authenticated with the client's secret (HTTP Basic). */
  HttpResponse<String> oauth(String path, String form) throws IOException, InterruptedException {
    String basic = java.util.Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
    return send(HttpRequest.newBuilder(URI.create(base() + path)).POST(HttpRequest.BodyPublishers.ofString(form))
        .header("content-type", "application/x-www-form-urlencoded").header("authorization", "Basic " + basic));
  }

  /** {@code /readyz} as JSON, with its status as {@code http_status}. */
  JsonObject readyz() throws IOException, InterruptedException {
    HttpResponse<String> r = send(get("/readyz"));
    return new JsonObject(r.body()).put("http_status", r.statusCode());
  }

  /** Waits (bounded) until every audit record recorded so far is in the store. */
  void flushAudit(Duration within) throws Exception {
    CompletableFuture.runAsync(gateway::flushAudit).get(within.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Request ids of the audit records in the store, read past the proxy. */
  Set<String> storedRequestIds() throws SQLException {
    Set<String> ids = new HashSet<>();
    try (Connection c = direct.dataSource().getConnection();
        PreparedStatement q = c.prepareStatement("SELECT request_id FROM audit_events");
        ResultSet rows = q.executeQuery()) {
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
    }
    return ids;
  }

  @Override
  public void close() {
    try {
      if (gateway != null) {
        gateway.close();
      }
    } finally {
      proxy.close();
      upstream.close();
      direct.close();
      execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
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
