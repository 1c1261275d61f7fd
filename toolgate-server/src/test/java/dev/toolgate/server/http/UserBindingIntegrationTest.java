package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.token.JwtIssuer;
import dev.toolgate.core.token.KeyRing;
import dev.toolgate.server.store.MasterKey;
import dev.toolgate.server.store.SecretBox;
import dev.toolgate.server.store.SigningKeyStore;
import dev.toolgate.server.users.OpaqueIds;
import dev.toolgate.server.users.PasswordHasher;
import dev.toolgate.server.users.User;
import dev.toolgate.server.users.UserStore;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * User binding, ownership and the risk tiers of user tokens, over real HTTP: every hostile variant
 * is refused with its status and code, and the upstream is not reached.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserBindingIntegrationTest {
  static final String MASTER_TOKEN = "sendbird-master-token-for-binding";
  static final String TOOLS = """
        - name: user_orders
          platform: sendbird
          method: POST
          path: /users/{user_id}/orders
          upstream: UPSTREAM
          policy:
            require: [sendbird_signature, user_token]
            user_token: { body_field: /context/jwt }
          user:
            platform_user_id: { body_field: /user_id }
          owner: { path_param: user_id, is: platform_user_id }
        - name: order_lookup
          platform: sendbird
          method: GET
          path: /lookup
          upstream: UPSTREAM
          policy: { require: [api_key] }
          user:
            platform_user_id: { query_param: uid }
            opaque_id: { header: x-customer-id }
            forward: platform_user_id
          owner: { query_param: owner, is: opaque_id }
        - name: preset_orders
          platform: sendbird
          method: POST
          path: /preset/orders
          upstream: UPSTREAM
          preset: sendbird
          owner: { body_field: /order/customer_id, is: platform_user_id }
        - name: refund
          method: POST
          path: /refund
          upstream: UPSTREAM
          policy:
            require: [user_token]
            user_token: { header: customer-auth, max_age: 5m, single_use: true, audience: tool }
          user: {}
        - name: transfer
          method: POST
          path: /transfer
          upstream: UPSTREAM
          policy:
            require: [user_token]
            user_token: { header: customer-auth, single_use: true, audience: tool }
          user: {}
          owner: { body_field: /from_account_owner, is: opaque_id }
        - name: query_profile
          method: GET
          path: /query-profile
          upstream: UPSTREAM
          policy:
            require: [user_token]
            user_token: { query_param: jwt }
        - name: plain_profile
          method: POST
          path: /plain-profile
          upstream: UPSTREAM
          policy:
            require: [user_token]
        - name: profile
          method: POST
          path: /profile
          upstream: UPSTREAM
          policy:
            require: [user_token]
          user: { forward: user_id }
      authorization_server:
        password_hash: { memory_kib: 8192, iterations: 1, parallelism: 1 }
      """;

  GatewayHarness h;
  UserStore users;
  String apiKey;
  User ada;
  User bob;
  String adaOpaque;
  String bobOpaque;
  KeyRing ring;

  @BeforeAll
  void start() throws Exception {
    h = new GatewayHarness(TOOLS);
    ClientRecord client = h.admin.createClient("sendbird-app", "sendbird");
    h.admin.addSigningSecret(client.id(), MASTER_TOKEN.getBytes(StandardCharsets.UTF_8), null);
    apiKey = h.admin.createApiKey(client.id(), Set.of("*"), null).plaintext();
    PasswordHasher hasher = new PasswordHasher(new PasswordHasher.Parameters(8192, 1, 1));
    users = new UserStore(h.adminDb);
    ada = users.createUser("ada", hasher.hash("ada password 1"));
    bob = users.createUser("bob", hasher.hash("bob password 2"));
    User carl = users.createUser("carl", hasher.hash("carl password 3"));
    users.mapPlatformUser("sendbird", "sb-ada", "ada");
    users.mapPlatformUser("sendbird", "sb-bob", "bob");
    users.mapPlatformUser("sendbird", "sb-carl", "carl");
    users.setUserDisabled(carl.id(), true);
    OpaqueIds opaque = new OpaqueIds(h.adminDb, new SecretBox(MasterKey.load(h.config.store())));
    adaOpaque = opaque.idFor("sendbird", ada.id());
    bobOpaque = opaque.idFor("sendbird", bob.id());
    h.start();
    ring = new SigningKeyStore(h.adminDb, MasterKey.load(h.config.store())).loadKeyRing(Duration.ofHours(24));
  }

  @AfterAll
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  // ------------------------------------------------------------------ body + token + path

  @Test
  void allAgreeingIsForwardedWithTheOpaqueIdAndNoCredentials() throws Exception {
    HttpResponse<String> r = signed("/users/sb-ada/orders", body("sb-ada", login("ada", "ada+password+1", null)));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(h.upstream.lastHeaders.get("x-toolgate-user")).isEqualTo(adaOpaque);
    assertThat(h.upstream.lastHeaders.get("x-sendbird-signature")).isNull();
    h.gateway.flushAudit();
    AuditEvent e = audit(r);
    assertThat(e.trace()).anySatisfy(c -> {
      assertThat(c.name()).isEqualTo("user_binding");
      assertThat(c.passed()).isTrue();
      assertThat(c.detail()).contains("platform_user_id in body field /user_id and the user token's subject").contains(ada.id());
    });
    assertThat(e.trace()).anySatisfy(c -> assertThat(c.name()).isEqualTo("ownership"));
  }

  @Test
  void theUserTokenInTheBodyDoesNotGoUpstream() throws Exception {
    String jwt = login("ada", "ada+password+1", null);
    String body = "{\"user_id\":\"sb-ada\",\"context\":{\"jwt\":\"" + jwt + "\",\"channel\":\"web\"},\"amount\":1.50}";
    HttpResponse<String> r = signed("/users/sb-ada/orders", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String forwarded = h.upstream.lastBody.toString();
    assertThat(forwarded).doesNotContain(jwt).doesNotContain("\"jwt\"").contains("\"channel\":\"web\"").contains("\"user_id\":\"sb-ada\"");
    assertThat(h.upstream.lastHeaders.get("content-length")).isEqualTo(Integer.toString(forwarded.getBytes(StandardCharsets.UTF_8).length));
  }

  @Test
  void theUserTokenInTheQueryDoesNotGoUpstream() throws Exception {
    String jwt = login("bob", "bob+password+2", null);
    HttpResponse<String> r = h.send(h.get("/query-profile?lang=en&jwt=" + jwt + "&page=2"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(h.upstream.lastUri).isEqualTo("/query-profile?lang=en&page=2");
    HttpResponse<String> only = h.send(h.get("/query-profile?jwt=" + jwt));
    assertThat(only.statusCode()).isEqualTo(200);
    assertThat(h.upstream.lastUri).isEqualTo("/query-profile");
  }

  @Test
  void bodyUserIdAndTokenSubjectDisagree() throws Exception {
    assertRefused(signed("/users/sb-ada/orders", body("sb-ada", login("bob", "bob+password+2", null))), 403, "user_mismatch",
        "the user token's subject and platform_user_id in body field /user_id do not name the same user");
  }

  @Test
  void ownershipViaPath() throws Exception {
    // Ada, properly identified twice, asks for Bob's orders.
    assertRefused(signed("/users/sb-bob/orders", body("sb-ada", login("ada", "ada+password+1", null))), 403, "owner_mismatch",
        "the owner (platform_user_id in path parameter user_id) is not the bound user");
    // An owner id nobody has is refused the same way: the answer does not tell which ids exist.
    assertRefused(signed("/users/sb-nobody/orders", body("sb-ada", login("ada", "ada+password+1", null))), 403, "owner_mismatch", "not the bound user");
  }

  @Test
  void unknownDisabledAndMissingUsers() throws Exception {
    String jwt = login("ada", "ada+password+1", null);
    // Alone, an id says whether it is known ...
    assertRefused(signed("/preset/orders", "{\"user_id\":\"sb-zed\",\"order\":{\"customer_id\":\"sb-zed\"}}"), 403, "user_unknown",
        "names no known user of platform sendbird");
    assertRefused(signed("/preset/orders", "{\"user_id\":\"sb-carl\",\"order\":{\"customer_id\":\"sb-carl\"}}"), 403, "user_disabled", "is disabled");
    // ... next to Ada's token it is just not Ada: no hint whether it exists.
    assertRefused(signed("/users/sb-zed/orders", body("sb-zed", jwt)), 403, "user_mismatch", "do not name the same user");
    assertRefused(signed("/users/sb-carl/orders", body("sb-carl", jwt)), 403, "user_mismatch", "do not name the same user");
    assertRefused(signed("/users/sb-ada/orders", "{\"context\":{\"jwt\":\"" + jwt + "\"}}"), 403, "user_missing",
        "reads the platform_user_id from body field /user_id, which the call leaves empty");
    assertRefused(signed("/users/sb-ada/orders", "{\"user_id\":[\"sb-ada\"],\"context\":{\"jwt\":\"" + jwt + "\"}}"), 400, "bad_request",
        "must be a string or a whole number");
  }

  @Test
  void aBodyThatIsNotJsonIs400() throws Exception {
    assertRefused(signed("/users/sb-ada/orders", "user_id=sb-ada"), 400, "body_not_json", "not a JSON object");
  }

  // ------------------------------------------------------------------ query + header

  @Test
  void queryUserIdAndHeaderOpaqueIdAgree() throws Exception {
    HttpResponse<String> r = h.send(lookup("uid=sb-ada&owner=" + adaOpaque, adaOpaque));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(h.upstream.lastHeaders.get("x-toolgate-user")).as("forward: platform_user_id").isEqualTo("sb-ada");
  }

  @Test
  void queryUserIdAndHeaderOpaqueIdDisagree() throws Exception {
    assertRefused(h.send(lookup("uid=sb-ada&owner=" + adaOpaque, bobOpaque)), 403, "user_mismatch",
        "opaque_id in header x-customer-id and platform_user_id in query parameter uid do not name the same user");
  }

  @Test
  void ownershipViaQuery() throws Exception {
    assertRefused(h.send(lookup("uid=sb-ada&owner=" + bobOpaque, adaOpaque)), 403, "owner_mismatch",
        "the owner (opaque_id in query parameter owner) is not the bound user");
    assertRefused(h.send(lookup("uid=sb-ada", adaOpaque)), 403, "owner_mismatch", "which the call leaves empty");
  }

  @Test
  void repeatedIdentitiesAreRefused() throws Exception {
    assertRefused(h.send(lookup("uid=sb-ada&uid=sb-bob&owner=" + adaOpaque, adaOpaque)), 400, "bad_request", "query parameter uid sent more than once");
    assertRefused(h.send(lookup("uid=sb-ada&owner=" + adaOpaque, adaOpaque).header("x-customer-id", bobOpaque)), 400, "bad_request",
        "header x-customer-id sent more than once");
  }

  @Test
  void aForgedOpaqueIdIsRefused() throws Exception {
    // Next to Ada's Sendbird id a forged opaque id is just not Ada (no hint that it does not exist).
    assertRefused(h.send(lookup("uid=sb-ada&owner=" + adaOpaque, "oc1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")), 403, "user_mismatch",
        "do not name the same user");
  }

  // ------------------------------------------------------------------ preset

  @Test
  void thePresetBindsTheBodyUserIdAndOwnershipViaBody() throws Exception {
    HttpResponse<String> ok = signed("/preset/orders", "{\"user_id\":\"sb-bob\",\"order\":{\"customer_id\":\"sb-bob\"}}");
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(h.upstream.lastHeaders.get("x-toolgate-user")).isEqualTo(bobOpaque);
    assertRefused(signed("/preset/orders", "{\"user_id\":\"sb-bob\",\"order\":{\"customer_id\":\"sb-ada\"}}"), 403, "owner_mismatch",
        "body field /order/customer_id");
    int before = h.upstream.hits.get();
    HttpResponse<String> unsigned = h.send(h.post("/preset/orders", "{\"user_id\":\"sb-bob\",\"order\":{\"customer_id\":\"sb-bob\"}}"));
    assertThat(unsigned.statusCode()).isEqualTo(401);
    assertThat(h.upstream.hits.get()).isEqualTo(before);
  }

  // ------------------------------------------------------------------ risk tiers

  @Test
  void aSingleUseToolBoundTokenWorksOnceAndOnlyOnItsTool() throws Exception {
    String jwt = login("ada", "ada+password+1", "refund");
    assertRefused(h.send(h.post("/profile", "{}").header("customer-auth", "JWT " + jwt)), 401, "user_token_wrong_audience",
        "minted for tool refund, not profile");
    HttpResponse<String> first = h.send(h.post("/refund", "{}").header("customer-auth", "JWT " + jwt));
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertRefused(h.send(h.post("/refund", "{}").header("customer-auth", "JWT " + jwt)), 401, "replayed", "was already used");
  }

  @Test
  void aTokenForTheConfiguredAudienceIsRefusedByAToolThatWantsItsOwn() throws Exception {
    assertRefused(h.send(h.post("/refund", "{}").header("customer-auth", "JWT " + login("ada", "ada+password+1", null))), 401,
        "user_token_wrong_audience", "accepts only user tokens minted for it");
  }

  @Test
  void aStaleTokenIsRefusedOnAHighRiskTool() throws Exception {
    String old = customerToken(adaOpaque, "urn:toolgate:tool:refund", Instant.now().minus(Duration.ofMinutes(10)));
    assertRefused(h.send(h.post("/refund", "{}").header("customer-auth", "JWT " + old)), 401, "user_token_too_old",
        "accepts tokens at most 300 s old");
    String fresh = customerToken(adaOpaque, "urn:toolgate:tool:refund", Instant.now());
    assertThat(h.send(h.post("/refund", "{}").header("customer-auth", "JWT " + fresh)).statusCode()).isEqualTo(200);
  }

  @Test
  void aCallRefusedForAnotherReasonDoesNotUseUpASingleUseToken() throws Exception {
    String jwt = login("ada", "ada+password+1", "transfer");
    // The agent was talked into moving Bob's money: refused, and the token is not spent by it.
    assertRefused(h.send(h.post("/transfer", "{\"from_account_owner\":\"" + bobOpaque + "\"}").header("customer-auth", "JWT " + jwt)),
        403, "owner_mismatch", "is not the bound user");
    HttpResponse<String> own = h.send(h.post("/transfer", "{\"from_account_owner\":\"" + adaOpaque + "\"}").header("customer-auth", "JWT " + jwt));
    assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
    assertRefused(h.send(h.post("/transfer", "{\"from_account_owner\":\"" + adaOpaque + "\"}").header("customer-auth", "JWT " + jwt)),
        401, "replayed", "was already used");
  }

  @Test
  void disablingAUserVoidsTheTokensTheyHoldOnEveryTool() throws Exception {
    PasswordHasher hasher = new PasswordHasher(new PasswordHasher.Parameters(8192, 1, 1));
    User erin = users.createUser("erin", hasher.hash("erin password 5"));
    String jwt = login("erin", "erin+password+5", null);
    users.setUserDisabled(erin.id(), true);
    assertRefused(h.send(h.post("/plain-profile", "{}").header("customer-auth", "JWT " + jwt)), 401, "user_token_revoked", "is disabled");
  }

  @Test
  void aNewPasswordVoidsTheTokensIssuedBeforeIt() throws Exception {
    PasswordHasher hasher = new PasswordHasher(new PasswordHasher.Parameters(8192, 1, 1));
    User finn = users.createUser("finn", hasher.hash("finn password 6"));
    users.setPasswordHash(finn.id(), hasher.hash("finn password 7"));
    // A token of Finn's from before the reset (customer login would have issued it then).
    String finnOpaque = new OpaqueIds(h.adminDb, new SecretBox(MasterKey.load(h.config.store()))).idFor("asapp", finn.id());
    String before = customerToken(finnOpaque, "toolgate", Instant.now().minusSeconds(60));
    assertRefused(h.send(h.post("/plain-profile", "{}").header("customer-auth", "JWT " + before)), 401, "user_token_revoked",
        "was set after this token was issued");
    String after = login("finn", "finn+password+7", null);
    HttpResponse<String> ok = h.send(h.post("/plain-profile", "{}").header("customer-auth", "JWT " + after));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
  }

  @Test
  void theBoundUserIdCanBeForwardedInstead() throws Exception {
    HttpResponse<String> r = h.send(h.post("/profile", "{}").header("customer-auth", "JWT " + login("bob", "bob+password+2", null)));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(h.upstream.lastHeaders.get("x-toolgate-user")).isEqualTo(bob.id());
  }

  @Test
  void mintingATokenForAnUnknownToolIs400() throws Exception {
    HttpResponse<String> r = loginResponse("ada", "ada+password+1", "no_such_tool");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("invalid_request").doesNotContain("ada password");
  }

  // ------------------------------------------------------------------ helpers

  private HttpRequest.Builder lookup(String query, String opaqueId) {
    return h.get("/lookup?" + query).header("api-key", apiKey).header("x-customer-id", opaqueId);
  }

  private static String body(String userId, String jwt) {
    return "{\"user_id\":\"" + userId + "\",\"context\":{\"jwt\":\"" + jwt + "\"}}";
  }

  private HttpResponse<String> signed(String path, String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return h.send(h.post(path, body).header("x-sendbird-signature", GatewayIntegrationTest.sign(MASTER_TOKEN, bytes)));
  }

  private String login(String user, String formPassword, String tool) throws Exception {
    HttpResponse<String> r = loginResponse(user, formPassword, tool);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getString("JWT");
  }

  private HttpResponse<String> loginResponse(String user, String formPassword, String tool) throws Exception {
    String form = "username=" + user + "&password=" + formPassword + (tool == null ? "" : "&tool=" + tool);
    return h.send(HttpRequest.newBuilder(URI.create(h.base() + "/auth/customer_authenticate"))
        .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8))
        .header("content-type", "application/x-www-form-urlencoded"));
  }

  /** A customer token signed with the server's own key, issued at {@code iat}: as customer login would have made it then. */
  private String customerToken(String subject, String audience, Instant iat) {
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(h.gateway.issuer()).subject(subject).audience(audience)
        .issueTime(Date.from(iat)).expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1))))
        .jwtID(UUID.randomUUID().toString()).claim("token_use", "customer").build();
    return new JwtIssuer(() -> ring).sign(claims, JOSEObjectType.JWT);
  }

  private void assertRefused(HttpResponse<String> r, int status, String code, String detailPart) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    JsonObject problem = new JsonObject(r.body());
    assertThat(problem.getString("code")).isEqualTo(code);
    assertThat(problem.getString("detail")).contains(detailPart);
    assertThat(r.body()).as("no internal user id reaches the caller").doesNotContain("usr_");
    assertThat(r.body()).doesNotContain(MASTER_TOKEN);
    String requestId = r.headers().firstValue("x-request-id").orElseThrow();
    // The upstream never saw this call.
    assertThat(h.upstream.requestIds).doesNotContain(requestId);
  }

  private AuditEvent audit(HttpResponse<String> response) {
    String id = response.headers().firstValue("x-request-id").orElseThrow();
    return h.auditLog.find(id).orElseThrow(() -> new AssertionError("no audit record for " + id));
  }
}
