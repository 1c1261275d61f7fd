package dev.toolgate.server.oauth.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.server.admin.AdminTokenStore;
import dev.toolgate.server.http.HarnessAccess;
import dev.toolgate.server.oauth.Pkce;
import dev.toolgate.server.store.AuditLog;
import dev.toolgate.server.store.AuthorizationStore;
import dev.toolgate.server.users.User;
import dev.toolgate.server.users.UserStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code POST /oauth/register} in {@code open} mode over real HTTP on a real server and store: what
 * a registration gets, that the registered client then works at the token endpoint (and stops when
 * disabled), hostile bodies, and the per-address budget. The server trusts 127.0.0.1 as a proxy, so
 * each test speaks for its own client address through {@code X-Forwarded-For}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientRegistrationTest {
  static final String MCP = "https://mcp.example.com/mcp";
  static final String NATIVE_REDIRECT = "http://127.0.0.1:43110/callback";
  static final String TOOLS = """
        - name: orders
          method: GET
          path: /orders
          upstream: UPSTREAM
          policy:
            require: [client_token]
            client_token: { scopes: [orders.read] }
        - name: mcp-profile
          method: GET
          path: /mcp-profile
          upstream: UPSTREAM
          policy:
            require: [client_token]
            client_token: { scopes: [profile.read], audience: "https://mcp.example.com/mcp" }
      authorization_server:
        resources: [https://mcp.example.com/mcp]
        registration:
          mode: open
          max_per_hour: 2
      """;

  HarnessAccess h;
  AuthorizationStore codes;
  User alice;
  String adminToken;
  final HttpClient http = HttpClient.newHttpClient();
  final AtomicInteger addresses = new AtomicInteger();

  @BeforeAll
  void start() throws Exception {
    h = HarnessAccess.create(TOOLS, "  trusted_proxies: [127.0.0.1]\n");
    alice = new UserStore(h.adminDb()).createUser("alice", User.NO_PASSWORD);
    codes = new AuthorizationStore(h.adminDb(), Clock.systemUTC());
    adminToken = new AdminTokenStore(h.adminDb()).create("ops", null).plaintext();
    h.start();
  }

  @AfterAll
  void stop() {
    h.close();
  }

  /** A client address of its own, so that no test spends another's registration budget. */
  String newAddress() {
    return "198.51.100." + addresses.incrementAndGet();
  }

  HttpResponse<String> register(String address, String contentType, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.base() + "/oauth/register"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("x-forwarded-for", address);
    if (contentType != null) {
      b.header("content-type", contentType);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> register(String address, JsonObject metadata) throws Exception {
    return register(address, "application/json", metadata.encode());
  }

  static JsonObject created(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
    return new JsonObject(r.body());
  }

  static void refused(HttpResponse<String> r, int status, String error) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("error")).as(r.body()).isEqualTo(error);
    assertThat(body.getString("error_description")).isNotBlank();
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("tgc_");
  }

  record Pending(String code, String verifier) {}

  Pending code(String clientId, String redirect) {
    byte[] random = new byte[32];
    ThreadLocalRandom.current().nextBytes(random);
    String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    String code = codes.issueCode(new AuthorizationStore.NewCode(clientId, alice.id(), redirect, Pkce.s256(verifier), MCP,
        Set.of("orders.read"), Instant.now().plusSeconds(60)));
    return new Pending(code, verifier);
  }

  HttpResponse<String> token(String form, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.base() + "/oauth/token")).POST(HttpRequest.BodyPublishers.ofString(form))
        .header("content-type", "application/x-www-form-urlencoded");
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String form(String... pairs) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      sb.append(sb.length() == 0 ? "" : "&").append(pairs[i]).append('=').append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  HttpResponse<String> exchange(Pending p, String redirect, String... extra) throws Exception {
    String[] base = {"grant_type", "authorization_code", "code", p.code(), "redirect_uri", redirect, "code_verifier", p.verifier(), "resource", MCP};
    String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return token(form(all));
  }

  HttpResponse<String> admin(String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(h.base() + path)).method(method, HttpRequest.BodyPublishers.noBody())
        .header("authorization", "Bearer " + adminToken).build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonObject publicNativeClient() {
    return new JsonObject()
        .put("client_name", "Desktop agent")
        .put("redirect_uris", new JsonArray().add(NATIVE_REDIRECT))
        .put("token_endpoint_auth_method", "none")
        .put("grant_types", new JsonArray().add("authorization_code").add("refresh_token"))
        .put("response_types", new JsonArray().add("code"))
        .put("application_type", "native")
        .put("scope", "orders.read calendar.write")
        .put("logo_uri", "https://agent.example/logo.png") // informational: ignored
        .put("x_vendor_extension", new JsonObject().put("any", 1)); // unknown: ignored
  }

  // ---- registering, then using the client ----

  @Test
  void aPublicNativeClientRegistersUsesTheCodeFlowAndIsRevokedByDisabling() throws Exception {
    HttpResponse<String> r = register(newAddress(), publicNativeClient());
    JsonObject body = created(r);
    String clientId = body.getString("client_id");
    assertThat(clientId).matches("cl_[0-9a-z]{12}");
    assertThat(body.getLong("client_id_issued_at")).isBetween(Instant.now().getEpochSecond() - 60, Instant.now().getEpochSecond() + 5);
    assertThat(body.getString("client_name")).isEqualTo("Desktop agent (" + clientId + ")");
    assertThat(body.getJsonArray("redirect_uris")).containsExactly(NATIVE_REDIRECT);
    assertThat(body.getString("token_endpoint_auth_method")).isEqualTo("none");
    assertThat(body.getJsonArray("grant_types")).containsExactly("authorization_code", "refresh_token");
    assertThat(body.getJsonArray("response_types")).containsExactly("code");
    assertThat(body.getString("application_type")).isEqualTo("native");
    assertThat(body.getString("scope")).isEqualTo("orders.read"); // calendar.write is no scope of this server: left out
    assertThat(body.containsKey("client_secret")).isFalse();
    assertThat(body.containsKey("logo_uri")).isFalse();

    // The client id alone authenticates it at the token endpoint; the code flow works at once.
    Pending p = code(clientId, NATIVE_REDIRECT);
    HttpResponse<String> exchanged = exchange(p, NATIVE_REDIRECT, "client_id", clientId);
    assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
    String refreshToken = new JsonObject(exchanged.body()).getString("refresh_token");
    assertThat(refreshToken).startsWith("tgr_");
    HttpResponse<String> refreshed = token(form("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", clientId));
    assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
    refreshToken = new JsonObject(refreshed.body()).getString("refresh_token");

    // It is listed as dynamic, with its redirect URIs and auth method; admin clients are not in that list.
    HttpResponse<String> listed = admin("GET", "/admin/clients?registration=dynamic");
    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
    JsonObject entry = find(new JsonObject(listed.body()).getJsonArray("clients"), clientId);
    assertThat(entry.getString("registration")).isEqualTo("dynamic");
    assertThat(entry.getString("application_type")).isEqualTo("native");
    assertThat(entry.getString("platform")).isEqualTo("oauth");
    assertThat(entry.getBoolean("enabled")).isTrue();
    assertThat(entry.getJsonArray("redirect_uris")).containsExactly(NATIVE_REDIRECT);
    assertThat(entry.getJsonArray("auth_methods")).containsExactly("none");
    assertThat(entry.getJsonArray("scopes")).containsExactly("orders.read");
    assertThat(new JsonObject(listed.body()).getJsonArray("clients").stream().map(c -> ((JsonObject) c).getString("registration")))
        .containsOnly("dynamic");

    // Disabled: its refresh tokens and its unexchanged codes stop working at once.
    Pending unexchanged = code(clientId, NATIVE_REDIRECT);
    HttpResponse<String> disabled = admin("POST", "/admin/clients/" + clientId + "/disable");
    assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
    assertThat(new JsonObject(disabled.body()).getBoolean("enabled")).isFalse();
    HttpResponse<String> refusedRefresh = token(form("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", clientId));
    refused(refusedRefresh, 401, "invalid_client");
    refused(exchange(unexchanged, NATIVE_REDIRECT, "client_id", clientId), 401, "invalid_client");
    JsonObject after = find(new JsonObject(admin("GET", "/admin/clients?registration=dynamic").body()).getJsonArray("clients"), clientId);
    assertThat(after.getBoolean("enabled")).isFalse();

    // The registration is audited, with the client it created.
    h.flushAudit();
    AuditEvent event = new AuditLog(h.adminDb()).find(r.headers().firstValue("x-request-id").orElseThrow()).orElseThrow();
    assertThat(event.clientId()).isEqualTo(clientId);
    assertThat(event.status()).isEqualTo(201);
    assertThat(event.decision()).isEqualTo("allow");
    assertThat(event.path()).isEqualTo("/oauth/register");
    assertThat(event.remoteAddress()).startsWith("198.51.100.");
  }

  @Test
  void aConfidentialRegistrationGetsASecretThatAuthenticatesButNoClientCredentials() throws Exception {
    String redirect = "https://app.example.com/oauth/callback";
    JsonObject body = created(register(newAddress(), new JsonObject()
        .put("client_name", "Web app")
        .put("redirect_uris", new JsonArray().add(redirect))));
    String clientId = body.getString("client_id");
    String secret = body.getString("client_secret");
    assertThat(secret).startsWith("tgc_");
    assertThat(body.getLong("client_secret_expires_at")).isZero();
    assertThat(body.getString("token_endpoint_auth_method")).isEqualTo("client_secret_basic"); // RFC 7591's default
    assertThat(body.getString("application_type")).isEqualTo("web");
    assertThat(body.getString("scope")).isEqualTo("orders.read profile.read"); // none asked: every scope of the tools

    String basic = "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    Pending p = code(clientId, redirect);
    HttpResponse<String> exchanged = token(form("grant_type", "authorization_code", "code", p.code(), "redirect_uri", redirect,
        "code_verifier", p.verifier(), "resource", MCP), "authorization", basic);
    assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
    // Without the secret it is not a public client.
    refused(exchange(code(clientId, redirect), redirect, "client_id", clientId), 401, "invalid_client");
    // A self-registered client gets no token of its own.
    refused(token(form("grant_type", "client_credentials"), "authorization", basic), 400, "unauthorized_client");
  }

  @Test
  void aWebClientMayUseLoopbackHttpAsTheMcpSdkRegistersByDefault() throws Exception {
    // What @modelcontextprotocol/sdk 1.x sends: no application_type (so web), a localhost redirect, no secret.
    JsonObject body = created(register(newAddress(), new JsonObject()
        .put("client_name", "Toolgate interop MCP client")
        .put("redirect_uris", new JsonArray().add("http://localhost:33418/callback"))
        .put("token_endpoint_auth_method", "none")
        .put("grant_types", new JsonArray().add("authorization_code").add("refresh_token"))
        .put("response_types", new JsonArray().add("code"))
        .put("scope", "profile.read")));
    assertThat(body.getString("application_type")).isEqualTo("web");
    assertThat(body.getString("scope")).isEqualTo("profile.read");
    // A private-use scheme, though, is a native app's.
    refused(register(newAddress(), new JsonObject().put("redirect_uris", new JsonArray().add("com.example.agent:/callback"))
        .put("token_endpoint_auth_method", "none")), 400, "invalid_redirect_uri");
    created(register(newAddress(), new JsonObject().put("redirect_uris", new JsonArray().add("com.example.agent:/callback"))
        .put("token_endpoint_auth_method", "none").put("application_type", "native")));
  }

  @Test
  void aBodyUpTo16KiBIsRead() throws Exception {
    JsonObject metadata = publicNativeClient().put("software_statement", "x".repeat(12_000));
    created(register(newAddress(), metadata));
  }

  // ---- hostile requests ----

  @Test
  void bodiesThatAreNotOneJsonObjectAreRefused() throws Exception {
    String address = newAddress();
    String valid = publicNativeClient().encode();
    refused(register(address, "application/x-www-form-urlencoded", "redirect_uris=http://127.0.0.1/cb"), 400, "invalid_client_metadata");
    refused(register(address, null, valid), 400, "invalid_client_metadata");
    refused(register(address, "text/plain", valid), 400, "invalid_client_metadata");
    refused(register(address, "application/json; charset=iso-8859-1", valid), 400, "invalid_client_metadata");
    refused(register(address, "application/json", ""), 400, "invalid_client_metadata");
    refused(register(address, "application/json", "[" + valid + "]"), 400, "invalid_client_metadata");
    refused(register(address, "application/json", "null"), 400, "invalid_client_metadata");
    refused(register(address, "application/json", "\"redirect_uris\""), 400, "invalid_client_metadata");
    refused(register(address, "application/json", "{\"redirect_uris\": [\"http://127.0.0.1/cb\"]"), 400, "invalid_client_metadata");
    refused(register(address, "application/json", valid + " {}"), 400, "invalid_client_metadata");
    refused(register(address, "application/json", "{\"redirect_uris\": [\"https://a.example/cb\"], \"redirect_uris\": [\"https://b.example/cb\"]}"),
        400, "invalid_client_metadata");
    refused(register(address, "application/json", "[".repeat(5000) + "]".repeat(5000)), 400, "invalid_client_metadata");
    HttpResponse<String> badUtf8 = http.send(HttpRequest.newBuilder(URI.create(h.base() + "/oauth/register"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc0, (byte) 0xaf, '"', '}'}))
        .header("content-type", "application/json").header("x-forwarded-for", address).build(), HttpResponse.BodyHandlers.ofString());
    refused(badUtf8, 400, "invalid_client_metadata");
    HttpResponse<String> tooLarge = register(address, "application/json", publicNativeClient().put("pad", "x".repeat(17 * 1024)).encode());
    refused(tooLarge, 413, "invalid_request");
    // Refusals spend no registration budget (2 an hour): this address still registers twice.
    created(register(address, publicNativeClient()));
    created(register(address, publicNativeClient()));
  }

  @Test
  void badRedirectUrisAreInvalidRedirectUri() throws Exception {
    String address = newAddress();
    refused(register(address, new JsonObject().put("token_endpoint_auth_method", "none")), 400, "invalid_redirect_uri");
    for (String uri : List.of("https://app.example.com/cb#fragment", "javascript:alert(1)", "http://app.example.com/cb",
        "http://10.0.0.7/cb", "data:text/html,hi", "https://user:pw@app.example.com/cb", "/relative/cb", "https://app.example.com/c b")) {
      HttpResponse<String> r = register(address, new JsonObject().put("redirect_uris", new JsonArray().add(NATIVE_REDIRECT).add(uri))
          .put("application_type", "native").put("token_endpoint_auth_method", "none"));
      refused(r, 400, "invalid_redirect_uri");
      assertThat(new JsonObject(r.body()).getString("error_description")).startsWith("redirect_uris[1]: ");
      assertThat(r.body()).doesNotContain(uri);
    }
    refused(register(address, new JsonObject().put("redirect_uris", new JsonArray())), 400, "invalid_redirect_uri");
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 21; i++) {
      tooMany.add("https://app.example.com/cb" + i);
    }
    refused(register(address, new JsonObject().put("redirect_uris", tooMany)), 400, "invalid_redirect_uri");
  }

  @Test
  void badMetadataIsInvalidClientMetadata() throws Exception {
    String address = newAddress();
    List<JsonObject> cases = List.of(
        publicNativeClient().put("grant_types", new JsonArray().add("client_credentials")),
        publicNativeClient().put("grant_types", new JsonArray().add("authorization_code").add("password")),
        publicNativeClient().put("grant_types", new JsonArray().add("refresh_token")),
        publicNativeClient().put("grant_types", "authorization_code"),
        publicNativeClient().put("response_types", new JsonArray().add("token")),
        publicNativeClient().put("response_types", new JsonArray()),
        publicNativeClient().put("token_endpoint_auth_method", "private_key_jwt"),
        publicNativeClient().put("token_endpoint_auth_method", List.of("none")),
        publicNativeClient().put("application_type", "desktop"),
        publicNativeClient().put("application_type", 7),
        publicNativeClient().put("redirect_uris", NATIVE_REDIRECT),
        publicNativeClient().put("redirect_uris", new JsonArray().add(42)),
        publicNativeClient().put("client_name", 42),
        publicNativeClient().put("client_name", "x".repeat(101)),
        publicNativeClient().put("client_name", "Agent\u0007"),
        publicNativeClient().put("client_name", "Agent\nAdmin"),
        publicNativeClient().put("client_name", "Agent \u202eevil\u202c"),
        publicNativeClient().put("client_name", "<script>alert(1)</script>"),
        publicNativeClient().put("scope", List.of("orders.read")),
        publicNativeClient().put("scope", "orders.read bad\"scope"));
    for (JsonObject metadata : cases) {
      HttpResponse<String> r = register(address, metadata);
      refused(r, 400, "invalid_client_metadata");
      assertThat(r.body()).doesNotContain("<script>");
    }
    // A name with ordinary punctuation and non-Latin letters is fine.
    JsonObject ok = created(register(address, publicNativeClient().put("client_name", "Agent \"Ω\" & Co.")));
    assertThat(ok.getString("client_name")).startsWith("Agent \"Ω\" & Co. (cl_");
  }

  // ---- budget ----

  @Test
  void anAddressGetsMaxPerHourRegistrationsThen429() throws Exception {
    String address = newAddress();
    created(register(address, publicNativeClient()));
    created(register(address, publicNativeClient()));
    HttpResponse<String> third = register(address, publicNativeClient());
    refused(third, 429, "too_many_requests");
    long retryAfter = Long.parseLong(third.headers().firstValue("retry-after").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 3600L);
    // Another address has its own budget.
    created(register(newAddress(), publicNativeClient()));
  }

  @Test
  void theAdminApiListsAllAndRefusesWhatItCannotDo() throws Exception {
    assertThat(admin("GET", "/admin/clients").statusCode()).isEqualTo(200);
    HttpResponse<String> bogus = admin("GET", "/admin/clients?registration=bogus");
    assertThat(bogus.statusCode()).isEqualTo(400);
    assertThat(bogus.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(new JsonObject(bogus.body()).getString("code")).isEqualTo("invalid_request");
    HttpResponse<String> unknown = admin("POST", "/admin/clients/cl_nosuchclient/disable");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(unknown.body()).getString("code")).isEqualTo("not_found");
    HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(URI.create(h.base() + "/admin/clients")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(noToken.statusCode()).isEqualTo(401);

    String clientId = created(register(newAddress(), publicNativeClient())).getString("client_id");
    assertThat(new JsonObject(admin("POST", "/admin/clients/" + clientId + "/disable").body()).getBoolean("enabled")).isFalse();
    HttpResponse<String> enabled = admin("POST", "/admin/clients/" + clientId + "/enable");
    assertThat(new JsonObject(enabled.body()).getBoolean("enabled")).isTrue();
    assertThat(new JsonObject(admin("GET", "/admin/clients/" + clientId).body()).getString("registration")).isEqualTo("dynamic");
    // Enabled again, the client works again.
    Pending p = code(clientId, NATIVE_REDIRECT);
    assertThat(exchange(p, NATIVE_REDIRECT, "client_id", clientId).statusCode()).isEqualTo(200);
  }

  @Test
  void theMetadataAdvertisesTheEndpoint() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(h.base() + "/.well-known/oauth-authorization-server")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(new JsonObject(r.body()).getString("registration_endpoint")).isEqualTo(h.issuer() + "/oauth/register");
  }

  static JsonObject find(JsonArray clients, String id) {
    return clients.stream().map(JsonObject.class::cast).filter(c -> c.getString("id").equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("client " + id + " not listed in " + clients.encode()));
  }
}
