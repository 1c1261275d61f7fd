package dev.toolgate.server.oauth.grant;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.http.HarnessAccess;
import dev.toolgate.server.oauth.Pkce;
import dev.toolgate.server.store.AuthorizationStore;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.server.users.User;
import dev.toolgate.server.users.UserStore;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The token endpoint's authorization code and refresh token grants over real HTTP, on a real store.
 * Codes are stored the way the consent page stores them ({@link AuthorizationStore#issueCode}), so
 * each check here is about the exchange alone: PKCE, redirect URI, resource, single use, rotation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CodeFlowGrantTest {
  static final String MCP = "https://mcp.example.com/mcp";
  static final String OTHER = "https://other.example.com/mcp";
  static final String REDIRECT = "http://127.0.0.1:33418/callback";
  static final String TOOLS = """
        - name: orders
          method: GET
          path: /orders
          upstream: UPSTREAM
          policy:
            require: [client_token]
            client_token: { scopes: [orders.read] }
        - name: mcp-orders
          method: GET
          path: /mcp-orders
          upstream: UPSTREAM
          policy:
            require: [client_token]
            client_token: { scopes: [orders.read], audience: "https://mcp.example.com/mcp" }
      authorization_server:
        resources: [https://mcp.example.com/mcp, https://other.example.com/mcp]
        authorization_code:
          refresh_reuse_grace: 30s
      """;

  HarnessAccess h;
  AuthorizationStore codes;
  ClientRecord app;
  ClientRecord backend;
  String backendSecret;
  User alice;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    h = HarnessAccess.create(TOOLS);
    OAuthClientStore oauth = new OAuthClientStore(h.adminDb());
    app = h.admin().createClient("desktop-agent", "asapp");
    oauth.setOAuthSettings(app.id(), Set.of("orders.read", "profile.read"), Duration.ofMinutes(10), Set.of("none"), null);
    oauth.setRedirectUris(app.id(), List.of("http://127.0.0.1/callback"));
    backend = h.admin().createClient("resource-server", "asapp");
    oauth.setOAuthSettings(backend.id(), Set.of("orders.read"), Duration.ofMinutes(10), Set.of("client_secret_basic"), null);
    oauth.setRedirectUris(backend.id(), List.of("https://backend.example.com/cb"));
    backendSecret = oauth.createClientSecret(backend.id(), null).plaintext();
    alice = new UserStore(h.adminDb()).createUser("alice", User.NO_PASSWORD);
    codes = new AuthorizationStore(h.adminDb(), Clock.systemUTC());
    h.start();
  }

  @AfterAll
  void stop() {
    h.close();
  }

  record Pending(String code, String verifier) {}

  Pending code(String clientId, String redirect, String resource, Set<String> scopes, Instant expiresAt) {
    byte[] random = new byte[32];
    ThreadLocalRandom.current().nextBytes(random);
    String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    String code = codes.issueCode(new AuthorizationStore.NewCode(clientId, alice.id(), redirect, Pkce.s256(verifier), resource, scopes, expiresAt));
    return new Pending(code, verifier);
  }

  Pending code() {
    return code(app.id(), REDIRECT, MCP, Set.of("orders.read"), Instant.now().plusSeconds(60));
  }

  HttpResponse<String> post(String path, String form, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.base() + path)).POST(HttpRequest.BodyPublishers.ofString(form))
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

  HttpResponse<String> exchange(Pending p, String... overrides) throws Exception {
    List<String> params = new ArrayList<>(List.of("grant_type", "authorization_code", "code", p.code(), "redirect_uri", REDIRECT,
        "code_verifier", p.verifier(), "resource", MCP, "client_id", app.id()));
    for (int i = 0; i < overrides.length; i += 2) {
      int at = params.indexOf(overrides[i]);
      if (overrides[i + 1] == null) {
        params.remove(at + 1);
        params.remove(at);
      } else {
        params.set(at + 1, overrides[i + 1]);
      }
    }
    return post("/oauth/token", form(params.toArray(String[]::new)));
  }

  HttpResponse<String> refresh(String refreshToken, String... extra) throws Exception {
    List<String> params = new ArrayList<>(List.of("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", app.id()));
    params.addAll(List.of(extra));
    return post("/oauth/token", form(params.toArray(String[]::new)));
  }

  static JsonObject ok(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  static void error(HttpResponse<String> r, int status, String error) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(new JsonObject(r.body()).getString("error")).as(r.body()).isEqualTo(error);
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("tgo_").doesNotContain("tgr_");
  }

  /** Whether the gateway lets the token through to a tool for its resource. */
  boolean active(String accessToken) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(h.base() + "/mcp-orders"))
        .header("authorization", "Bearer " + accessToken).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isIn(200, 401);
    return r.statusCode() == 200;
  }

  // ---- authorization code ----

  @Test
  void aCodeBecomesAUserTokenForTheOneResourceAndARefreshToken() throws Exception {
    HttpResponse<String> r = exchange(code());
    JsonObject body = ok(r);
    assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(body.getString("refresh_token")).startsWith("tgr_");
    assertThat(body.getString("scope")).isEqualTo("orders.read");
    assertThat(body.getLong("expires_in")).isEqualTo(600);
    SignedJWT jwt = SignedJWT.parse(body.getString("access_token"));
    assertThat(jwt.getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertThat(claims.getSubject()).isEqualTo(alice.id());
    assertThat(claims.getAudience()).containsExactly(MCP);
    assertThat(claims.getStringClaim("client_id")).isEqualTo(app.id());
    assertThat(claims.getIssuer()).isEqualTo(h.issuer());
  }

  @Test
  void aReplayedCodeIsRefusedAndRevokesWhatItIssued() throws Exception {
    Pending p = code();
    JsonObject first = ok(exchange(p));
    assertThat(active(first.getString("access_token"))).isTrue();
    error(exchange(p), 400, "invalid_grant");
    assertThat(active(first.getString("access_token"))).isFalse();
    error(refresh(first.getString("refresh_token")), 400, "invalid_grant");
  }

  @Test
  void aWrongVerifierUsesTheCodeUp() throws Exception {
    Pending p = code();
    error(exchange(p, "code_verifier", "x".repeat(43)), 400, "invalid_grant");
    error(exchange(p), 400, "invalid_grant");
    error(exchange(code(), "code_verifier", null), 400, "invalid_request");
    error(exchange(code(), "code_verifier", "short"), 400, "invalid_grant");
  }

  @Test
  void theRedirectUriMustBeTheAuthorizationRequests() throws Exception {
    error(exchange(code(), "redirect_uri", "http://127.0.0.1:33419/callback"), 400, "invalid_grant");
    error(exchange(code(), "redirect_uri", REDIRECT + "/more"), 400, "invalid_grant");
    error(exchange(code(), "redirect_uri", null), 400, "invalid_request");
  }

  @Test
  void theResourceMustBeRepeatedIdentically() throws Exception {
    error(exchange(code(), "resource", null), 400, "invalid_target");
    error(exchange(code(), "resource", OTHER), 400, "invalid_target");
    error(exchange(code(), "resource", MCP + "/"), 400, "invalid_target");
    Pending p = code();
    error(post("/oauth/token", form("grant_type", "authorization_code", "code", p.code(), "redirect_uri", REDIRECT, "code_verifier", p.verifier(),
        "resource", MCP, "resource", OTHER, "client_id", app.id())), 400, "invalid_target");
  }

  @Test
  void aCodeOfAnotherClientOrExpiredOrUnknownIsRefused() throws Exception {
    Pending forBackend = code(backend.id(), REDIRECT, MCP, Set.of("orders.read"), Instant.now().plusSeconds(60));
    error(exchange(forBackend), 400, "invalid_grant");
    error(exchange(code(app.id(), REDIRECT, MCP, Set.of("orders.read"), Instant.now().minusSeconds(1))), 400, "invalid_grant");
    error(exchange(new Pending("tgo_" + "A".repeat(43), "v".repeat(43))), 400, "invalid_grant");
  }

  @Test
  void aConfidentialClientAuthenticatesAtTheExchange() throws Exception {
    Pending p = code(backend.id(), REDIRECT, MCP, Set.of("orders.read"), Instant.now().plusSeconds(60));
    // Only its client_id: it is not a public client.
    error(exchange(p, "client_id", backend.id()), 401, "invalid_client");
    Pending q = code(backend.id(), REDIRECT, MCP, Set.of("orders.read"), Instant.now().plusSeconds(60));
    String basic = "Basic " + Base64.getEncoder().encodeToString((backend.id() + ":" + backendSecret).getBytes(StandardCharsets.UTF_8));
    JsonObject body = ok(post("/oauth/token", form("grant_type", "authorization_code", "code", q.code(), "redirect_uri", REDIRECT,
        "code_verifier", q.verifier(), "resource", MCP), "authorization", basic));
    assertThat(SignedJWT.parse(body.getString("access_token")).getJWTClaimsSet().getSubject()).isEqualTo(alice.id());
  }

  @Test
  void aPublicClientCannotUseClientCredentials() throws Exception {
    error(post("/oauth/token", form("grant_type", "client_credentials", "client_id", app.id())), 400, "unauthorized_client");
    error(post("/oauth/token", form("grant_type", "password", "client_id", app.id())), 400, "unsupported_grant_type");
  }

  @Test
  void aPasswordResetEndsWhatWasSignedInBeforeIt() throws Exception {
    UserStore users = new UserStore(h.adminDb());
    User bob = users.createUser("bob-" + System.nanoTime(), User.NO_PASSWORD);
    byte[] random = new byte[32];
    ThreadLocalRandom.current().nextBytes(random);
    String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    String pending = codes.issueCode(new AuthorizationStore.NewCode(app.id(), bob.id(), REDIRECT, Pkce.s256(verifier), MCP, Set.of("orders.read"),
        Instant.now().plusSeconds(60)));
    String signedIn = codes.issueCode(new AuthorizationStore.NewCode(app.id(), bob.id(), REDIRECT, Pkce.s256(verifier), MCP, Set.of("orders.read"),
        Instant.now().plusSeconds(60)));
    JsonObject first = ok(exchange(new Pending(signedIn, verifier)));
    Thread.sleep(5); // the reset must be later than the sign-in on the store's millisecond clock
    users.setPasswordHash(bob.id(), User.NO_PASSWORD);
    error(refresh(first.getString("refresh_token")), 400, "invalid_grant");
    error(exchange(new Pending(pending, verifier)), 400, "invalid_grant");
  }

  @Test
  void theCodeFlowIsForTheDeclaredResourcesOnlyNotForAToolsAudience() throws Exception {
    String query = form("response_type", "code", "client_id", app.id(), "redirect_uri", REDIRECT, "state", "s",
        "code_challenge", Pkce.s256("v".repeat(43)), "code_challenge_method", "S256", "resource", h.issuer());
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(h.base() + "/oauth/authorize?" + query)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.headers().firstValue("location").orElseThrow()).startsWith(REDIRECT + "?error=invalid_target");
  }

  // ---- refresh ----

  @Test
  void aRefreshRotatesAndNarrowsOnly() throws Exception {
    JsonObject first = ok(exchange(code(app.id(), REDIRECT, MCP, Set.of("orders.read", "profile.read"), Instant.now().plusSeconds(60))));
    JsonObject second = ok(refresh(first.getString("refresh_token"), "scope", "orders.read", "resource", MCP));
    assertThat(second.getString("refresh_token")).isNotEqualTo(first.getString("refresh_token"));
    assertThat(second.getString("scope")).isEqualTo("orders.read");
    assertThat(SignedJWT.parse(second.getString("access_token")).getJWTClaimsSet().getAudience()).containsExactly(MCP);
    error(refresh(second.getString("refresh_token"), "scope", "profile.read"), 400, "invalid_scope");
    error(refresh(second.getString("refresh_token"), "resource", OTHER), 400, "invalid_target");
    // Refused requests changed nothing: the token still refreshes.
    ok(refresh(second.getString("refresh_token")));
  }

  @Test
  void aScopeTheAdministratorTookAwayEndsAtTheNextRefresh() throws Exception {
    OAuthClientStore oauth = new OAuthClientStore(h.adminDb());
    ClientRecord narrowed = h.admin().createClient("narrowed-agent", "oauth");
    oauth.setOAuthSettings(narrowed.id(), Set.of("orders.read", "profile.read"), Duration.ofMinutes(10), Set.of("none"), null);
    oauth.setRedirectUris(narrowed.id(), List.of("http://127.0.0.1/callback"));
    Pending p = code(narrowed.id(), REDIRECT, MCP, Set.of("orders.read", "profile.read"), Instant.now().plusSeconds(60));
    h.refresh();
    JsonObject first = ok(exchange(p, "client_id", narrowed.id()));
    assertThat(first.getString("scope")).isEqualTo("orders.read profile.read");
    oauth.setOAuthSettings(narrowed.id(), Set.of("orders.read"), Duration.ofMinutes(10), Set.of("none"), null);
    h.refresh();
    JsonObject second = ok(post("/oauth/token", form("grant_type", "refresh_token", "refresh_token", first.getString("refresh_token"),
        "client_id", narrowed.id())));
    assertThat(second.getString("scope")).isEqualTo("orders.read");
  }

  @Test
  void concurrentRefreshesWithOneTokenKeepTheChainAlive() throws Exception {
    JsonObject first = ok(exchange(code()));
    String token = first.getString("refresh_token");
    List<CompletableFuture<HttpResponse<String>>> parallel = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      parallel.add(CompletableFuture.supplyAsync(() -> {
        try {
          return refresh(token);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    List<String> next = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> f : parallel) {
      next.add(ok(f.join()).getString("refresh_token"));
    }
    assertThat(next).doesNotHaveDuplicates();
    // The client keeps whichever answer came last; it refreshes on.
    JsonObject later = ok(refresh(next.get(3)));
    assertThat(active(later.getString("access_token"))).isTrue();
  }

  @Test
  void anOldRefreshTokenReplayedAfterRotationRevokesTheFamily() throws Exception {
    JsonObject first = ok(exchange(code()));
    JsonObject second = ok(refresh(first.getString("refresh_token")));
    JsonObject third = ok(refresh(second.getString("refresh_token")));
    // The first token's generation is superseded (its successor was used): a thief's replay.
    error(refresh(first.getString("refresh_token")), 400, "invalid_grant");
    error(refresh(third.getString("refresh_token")), 400, "invalid_grant");
    assertThat(active(third.getString("access_token"))).isFalse();
    assertThat(active(second.getString("access_token"))).isFalse();
  }

  @Test
  void anotherClientsRefreshTokenIsUnknownToIt() throws Exception {
    JsonObject first = ok(exchange(code()));
    String basic = "Basic " + Base64.getEncoder().encodeToString((backend.id() + ":" + backendSecret).getBytes(StandardCharsets.UTF_8));
    error(post("/oauth/token", form("grant_type", "refresh_token", "refresh_token", first.getString("refresh_token")), "authorization", basic),
        400, "invalid_grant");
    ok(refresh(first.getString("refresh_token")));
  }

  @Test
  void revokingARefreshTokenEndsTheGrant() throws Exception {
    JsonObject first = ok(exchange(code()));
    HttpResponse<String> r = post("/oauth/revoke", form("token", first.getString("refresh_token"), "client_id", app.id()));
    assertThat(r.statusCode()).isEqualTo(200);
    error(refresh(first.getString("refresh_token")), 400, "invalid_grant");
    assertThat(active(first.getString("access_token"))).isFalse();
    // Unknown tokens: 200 all the same (RFC 7009 §2.2).
    assertThat(post("/oauth/revoke", form("token", "tgr_nothing", "client_id", app.id())).statusCode()).isEqualTo(200);
  }

  @Test
  void metadataAdvertisesTheCodeFlow() throws Exception {
    for (String path : List.of("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration")) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(h.base() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
      JsonObject as = ok(r);
      assertThat(as.getString("issuer")).isEqualTo(h.issuer());
      assertThat(as.getString("authorization_endpoint")).isEqualTo(h.issuer() + "/oauth/authorize");
      assertThat(as.getJsonArray("code_challenge_methods_supported").getList()).containsExactly("S256");
      assertThat(as.getJsonArray("response_types_supported").getList()).containsExactly("code");
      assertThat(as.getBoolean("authorization_response_iss_parameter_supported")).isTrue();
      assertThat(as.getJsonArray("token_endpoint_auth_methods_supported").getList()).contains("none");
      assertThat(as.getJsonArray("protected_resources").getList()).contains(MCP, OTHER);
      assertThat(as.containsKey("registration_endpoint")).isFalse();
    }
  }
}
