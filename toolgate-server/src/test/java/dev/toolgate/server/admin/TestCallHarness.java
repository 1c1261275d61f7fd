package dev.toolgate.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.ConfigLoader;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.server.ConfigFile;
import dev.toolgate.server.ConfigReloader;
import dev.toolgate.server.Toolgate;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.MasterKey;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.server.users.UserStore;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * A real Toolgate started from its file as {@code toolgate serve} does (so it can be reloaded), in
 * front of an {@link EchoUpstream}, on a fresh SQLite store; credentials and users are managed
 * through a second store connection, as the CLI does. The audit log is written only when flushed
 * ({@code flush_interval: 10m}): a test call's decision must not depend on a timer.
 */
final class TestCallHarness implements AutoCloseable {
  /** One tool per credential kind, and a few for limits and answers. */
  static final String TOOLS = """
        - name: signed
          method: POST
          path: /signed
          upstream: UPSTREAM
          platform: sendbird
          policy: { require: [sendbird_signature] }
        - name: sendbird_jwt
          method: POST
          path: /sb/orders
          upstream: UPSTREAM
          platform: sendbird
          preset: sendbird_jwt
        - name: static
          method: POST
          path: /static/{id}
          upstream: UPSTREAM
          policy: { require: [static_token] }
        - name: keyed
          method: GET
          path: /keyed
          upstream: UPSTREAM
          platform: sendbird
          policy: { require: [api_key] }
        - name: reports
          method: GET
          path: /reports
          upstream: UPSTREAM
          policy:
            require: [client_token]
            client_token: { scopes: [reports.read] }
        - name: customer
          method: POST
          path: /customer/{user_id}/orders
          upstream: UPSTREAM
          policy: { require: [user_token] }
          user: { user_id: { path_param: user_id } }
          rate_limits:
            - { per: [client, user], limit: 100, period: 1m }
        - name: limited
          method: GET
          path: /limited
          upstream: UPSTREAM
          policy: { anonymous: true }
          rate_limits:
            - { per: tool, limit: 1, period: 1h }
        - name: big
          method: GET
          path: /big
          upstream: UPSTREAM
          policy: { anonymous: true }
      """;

  final Path dir;
  final Path file;
  final EchoUpstream upstream = new EchoUpstream();
  final Database db;
  final CredentialStore credentials;
  final OAuthClientStore oauth;
  final UserStore users;
  final Map<AdminRole, String> tokens = new EnumMap<>(AdminRole.class);
  final Toolgate gateway;
  private final HttpClient http;
  private final String scheme;

  TestCallHarness(String toolsYaml) throws Exception {
    this(toolsYaml, "");
  }

  /** @param serverYaml extra lines of the {@code server:} section, indented two spaces */
  TestCallHarness(String toolsYaml, String serverYaml) throws Exception {
    this(toolsYaml, serverYaml, null);
  }

  /** @param tls how the admin client trusts the gateway's certificate when {@code serverYaml} has {@code tls:}; null: plain HTTP */
  TestCallHarness(String toolsYaml, String serverYaml, javax.net.ssl.SSLContext tls) throws Exception {
    HttpClient.Builder client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(20));
    http = (tls == null ? client : client.sslContext(tls)).build();
    scheme = tls == null ? "http" : "https";
    dir = Files.createTempDirectory("toolgate-testcall-");
    file = dir.resolve("toolgate.yaml");
    Files.writeString(file, """
        server:
          host: 127.0.0.1
          port: 0
          max_body_bytes: 65536
          upstream_timeout: 5s
          shutdown_grace: 1s
        SERVER_EXTRA
        failed_auth_limit: off
        audit:
          batch_size: 1000
          flush_interval: 10m
        platforms:
          sendbird:
            signature_header: x-sendbird-signature
            signature_encoding: hex_lower
            api_key_header: api-key
        tools:
        """.replace("SERVER_EXTRA\n", serverYaml) + toolsYaml.replace("UPSTREAM", upstream.url()), StandardCharsets.UTF_8);
    GatewayConfig config = ConfigLoader.load(file);
    db = Database.open(config.store());
    Clock clock = Clock.systemUTC();
    credentials = new CredentialStore(db, MasterKey.load(config.store()), clock);
    oauth = new OAuthClientStore(db, clock);
    users = new UserStore(db, clock);
    AdminTokenStore adminTokens = new AdminTokenStore(db, clock);
    for (AdminRole role : AdminRole.values()) {
      tokens.put(role, adminTokens.create(role.value() + "-test", role, null).plaintext());
    }
    ConfigFile configFile = new ConfigFile(file);
    gateway = Toolgate.start(configFile, configFile.load());
  }

  /** Replaces the tools (everything after {@code tools:}) and reloads. */
  ConfigReloader.Outcome reloadTools(String toolsYaml) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    String next = text.substring(0, text.indexOf("\ntools:\n") + "\ntools:\n".length()) + toolsYaml.replace("UPSTREAM", upstream.url());
    Path temp = Files.createTempFile(dir, "toolgate-", ".yaml");
    Files.writeString(temp, next, StandardCharsets.UTF_8);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return gateway.reloader().reload();
  }

  String version() throws IOException {
    return ConfigFile.version(Files.readAllBytes(file));
  }

  /** A credential change made beside the server, made visible to it at once (as the admin API does). */
  void refresh() {
    gateway.refreshCredentials();
  }

  HttpResponse<String> call(String method, String path, String body, AdminRole role) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + gateway.port() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .timeout(Duration.ofSeconds(30));
    if (body != null) {
      b.header("content-type", "application/json");
    }
    if (role != null) {
      b.header("authorization", "Bearer " + tokens.get(role));
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A test call as an operator. */
  HttpResponse<String> test(JsonObject body) {
    return call("POST", "/admin/tool-calls/test", body.encode(), AdminRole.OPERATOR);
  }

  /** A test call that Toolgate sent: 200, and its answer. */
  JsonObject tested(JsonObject body) {
    HttpResponse<String> r = test(body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  @Override
  public void close() {
    gateway.close();
    db.close();
    upstream.close();
  }
}
