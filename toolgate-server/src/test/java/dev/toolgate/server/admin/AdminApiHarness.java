package dev.toolgate.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.ConfigLoader;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.token.JwtIssuer;
import dev.toolgate.core.token.KeyRing;
import dev.toolgate.core.token.SigningAlgorithm;
import dev.toolgate.core.token.SigningKey;
import dev.toolgate.core.token.SigningKeys;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.store.AuditLog;
import dev.toolgate.server.store.CredentialCache;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.MasterKey;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.server.store.SecretBox;
import dev.toolgate.server.store.SigningKeyStore;
import dev.toolgate.server.users.CustomerLoginSettings;
import dev.toolgate.server.users.CustomerTokens;
import dev.toolgate.server.users.HttpHarness;
import dev.toolgate.server.users.MutableClock;
import dev.toolgate.server.users.OpaqueIds;
import dev.toolgate.server.users.PasswordHasher;
import dev.toolgate.server.users.TestDb;
import dev.toolgate.server.users.UserStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The whole admin API over real HTTP on loopback, on a fresh SQLite store, for endpoint tests:
 * {@code try (AdminApiHarness api = AdminApiHarness.start()) { api.call("GET", "/admin/clients", null) }}.
 */
public final class AdminApiHarness implements AutoCloseable {
  public static final Instant START = Instant.parse("2026-03-01T09:00:00.500Z");
  static final PasswordHasher HASHER = new PasswordHasher(new PasswordHasher.Parameters(256, 1, 1));
  static final String ISSUER = "http://127.0.0.1:8080";
  static final SigningKey KEY = SigningKeys.generate(SigningAlgorithm.ES256, START);
  /** The configuration in force: the platforms and tools clients and API keys may name. */
  public static final GatewayConfig CONFIG = ConfigLoader.parse("""
      platforms:
        sendbird: {}
        asapp: { api_key_header: X-Api-Key }
      tools:
        - { name: order_status, platform: sendbird, method: POST, path: /orders/status,
            upstream: "http://127.0.0.1:9", policy: { require: [sendbird_signature] } }
        - { name: catalog_search, platform: sendbird, method: GET, path: /catalog/search,
            upstream: "http://127.0.0.1:9", policy: { require: [api_key] } }
        - { name: refund_order, platform: sendbird, method: POST, path: /orders/refund,
            upstream: "http://127.0.0.1:9", policy: { require: [api_key] } }
        - { name: get_profile, platform: asapp, method: GET, path: /profile,
            upstream: "http://127.0.0.1:9", policy: { require: [static_token] } }
      """, Path.of("admin-api-harness.yaml"));

  public final TestDb db;
  public final MutableClock clock;
  public final SecretBox box;
  public final CredentialStore credentials;
  public final OAuthClientStore oauth;
  public final UserStore users;
  public final OpaqueIds opaqueIds;
  /** Write decisions with {@code audit.appendBatch(...)}. */
  public final AuditLog audit;
  public final SigningKeyStore signingKeys;
  /** This instance's credentials, key ring included, as the gateway holds them: every refresh the API asks for reloads it. */
  public final CredentialCache cache;
  /** The audit spill directory the API sees (empty: nothing waits to be written). */
  public final Path spillDir;
  public final AdminTokenStore tokens;
  public final AdminAuth auth;
  public final AdminApi api;
  public final Vertx vertx;
  public final HttpHarness http;
  /** An admin token with role {@code admin}. */
  public final String adminToken;
  /** How often the API asked for credentials to be reloaded. */
  public final AtomicInteger refreshes = new AtomicInteger();

  /** How long retired signing keys stay published here: the configuration's. */
  public static final Duration MAX_TOKEN_LIFETIME = CONFIG.authorizationServer().maxTokenTtl();

  private AdminApiHarness(TestDb db) {
    this.db = db;
    clock = new MutableClock(START);
    box = new SecretBox(MasterKey.generate());
    credentials = new CredentialStore(db.database(), box, clock);
    oauth = new OAuthClientStore(db.database(), clock);
    users = new UserStore(db.database(), clock);
    opaqueIds = new OpaqueIds(db.database(), box, clock);
    audit = new AuditLog(db.database());
    signingKeys = new SigningKeyStore(db.database(), box, clock);
    signingKeys.loadKeyRing(MAX_TOKEN_LIFETIME, SigningAlgorithm.ES256); // the first key, as a server's first start makes it
    cache = new CredentialCache(credentials, MAX_TOKEN_LIFETIME);
    try {
      spillDir = Files.createTempDirectory("toolgate-admin-spill");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    tokens = new AdminTokenStore(db.database(), clock);
    adminToken = tokens.create("ops", AdminRole.ADMIN, null).plaintext();
    vertx = Vertx.vertx();
    auth = new AdminAuth(tokens, clock);
    auth.start(vertx).await();
    Runnable refresh = () -> {
      refreshes.incrementAndGet();
      cache.refresh();
    };
    api = AdminApi.of(auth, db.database(), box, credentials, oauth, users, opaqueIds, audit, spillDir, refresh, () -> CONFIG, clock);
    List<Endpoint> endpoints = new ArrayList<>(api.endpoints());
    CustomerTokens customerTokens = new CustomerTokens(new JwtIssuer(() -> new KeyRing(KEY, List.of(KEY))), null,
        CustomerLoginSettings.defaults(ISSUER).withSubject(CustomerLoginSettings.Subject.USER_ID), clock);
    endpoints.add(new UserAdminEndpoint(api.routes(), users, HASHER, customerTokens));
    http = new HttpHarness(vertx, endpoints);
  }

  /** On a fresh SQLite store. */
  public static AdminApiHarness start() {
    return start(TestDb.sqlite());
  }

  /** On this database (e.g. {@link TestDb#postgres()}), closed with the harness. */
  public static AdminApiHarness start(TestDb db) {
    return new AdminApiHarness(db);
  }

  /** A new admin token with this role. */
  public String token(AdminRole role) {
    return tokens.create(role.value() + "-test", role, null).plaintext();
  }

  /** {@code headers}: name, value, name, value… */
  public HttpResponse<String> call(String method, String path, String body, String bearer, String... headers) {
    HttpRequest.Builder b = http.request(path).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("content-type", "application/json");
    }
    if (bearer != null) {
      b.header("authorization", "Bearer " + bearer);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b);
  }

  /** As the {@code admin} token. */
  public HttpResponse<String> call(String method, String path, String body) {
    return call(method, path, body, adminToken);
  }

  /**
   * Sends {@code request} exactly as written (hand-made HTTP/1.1, for what an HTTP client would
   * tidy) and returns everything read until the server closes; add {@code Connection: close}.
   */
  public String raw(String request) {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", http.uri("/").getPort())) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = s.getInputStream().read(buffer)) >= 0; ) {
          read.write(buffer, 0, n);
        }
      } catch (java.net.SocketException e) {
        // reset after the answer: what was read is the answer
      }
      return read.toString(java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A GET as the {@code admin} token, for {@link #raw}: {@code target} as it goes on the request line. */
  public String rawGet(String target) {
    return raw("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + adminToken + "\r\nConnection: close\r\n\r\n");
  }

  public static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  /** An RFC 9457 problem with this status and code, in the admin API's shape. */
  public static void assertProblem(HttpResponse<String> r, int status, String code) {
    AdminApiTest.assertProblem(r, status, code);
  }

  /** 2xx, and the body as JSON. */
  public static JsonObject ok(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
    return json(r);
  }

  @Override
  public void close() {
    http.close();
    auth.stop().await();
    vertx.close().await();
    db.close();
    try (var files = Files.walk(spillDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
