package dev.toolgate.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.toolgate.core.token.JwtIssuer;
import dev.toolgate.core.token.KeyRing;
import dev.toolgate.core.token.SigningAlgorithm;
import dev.toolgate.core.token.SigningKey;
import dev.toolgate.core.token.SigningKeys;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.users.CustomerLoginSettings;
import dev.toolgate.server.users.CustomerTokens;
import dev.toolgate.server.users.HttpHarness;
import dev.toolgate.server.users.MutableClock;
import dev.toolgate.server.users.PasswordHasher;
import dev.toolgate.server.users.TestDb;
import dev.toolgate.server.users.User;
import dev.toolgate.server.users.UserStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin API over real HTTP: authentication, users, platform users and session tokens (SQLite). */
class AdminApiTest {
  static final Instant START = Instant.parse("2026-03-01T09:00:00.500Z");
  static final PasswordHasher HASHER = new PasswordHasher(new PasswordHasher.Parameters(256, 1, 1));
  static final String ISSUER = "http://127.0.0.1:8080";
  static final SigningKey KEY = SigningKeys.generate(SigningAlgorithm.ES256, START);
  static final KeyRing RING = new KeyRing(KEY, List.of(KEY));

  TestDb db;
  MutableClock clock;
  AdminTokenStore tokens;
  UserStore users;
  AdminAuth auth;
  Vertx vertx;
  HttpHarness http;
  String token;

  @BeforeEach
  void start() {
    db = TestDb.sqlite();
    clock = new MutableClock(START);
    tokens = new AdminTokenStore(db.database(), clock);
    users = new UserStore(db.database(), clock);
    token = tokens.create("ops", null).plaintext();
    vertx = Vertx.vertx();
    auth = new AdminAuth(tokens, clock);
    auth.start(vertx).await();
    // Another feature's admin route, mounted before AdminAuth: still guarded.
    Endpoint someoneElses = router -> router.get("/admin/other").handler(ctx -> ctx.response().end("other"));
    CustomerTokens customerTokens = new CustomerTokens(new JwtIssuer(() -> RING), null,
        CustomerLoginSettings.defaults(ISSUER).withSubject(CustomerLoginSettings.Subject.USER_ID).withTools(List.of("refund")), clock);
    AdminRoutes routes = new AdminRoutes(auth, new IdempotencyKeys(db.database(), clock));
    http = new HttpHarness(vertx, List.of(someoneElses, auth, new UserAdminEndpoint(routes, users, HASHER, customerTokens),
        new PlatformUsersEndpoint(routes, users, clock)));
  }

  @AfterEach
  void stop() {
    http.close();
    auth.stop().await();
    vertx.close().await();
    db.close();
  }

  HttpResponse<String> call(String method, String path, String body, String bearer) {
    HttpRequest.Builder b = http.request(path).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("content-type", "application/json");
    }
    if (bearer != null) {
      b.header("authorization", "Bearer " + bearer);
    }
    return http.send(b);
  }

  HttpResponse<String> call(String method, String path, String body) {
    return call(method, path, body, token);
  }

  static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  static void assertProblem(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    JsonObject p = json(r);
    assertThat(p.fieldNames()).containsExactlyInAnyOrder("type", "title", "status", "code", "detail", "request_id");
    assertThat(p.getString("type")).isEqualTo("https://toolgate.dev/problems/" + code);
    assertThat(p.getInteger("status")).isEqualTo(status);
    assertThat(p.getString("code")).isEqualTo(code);
    assertThat(p.getString("title")).isNotBlank();
    assertThat(p.getString("detail")).isNotBlank();
    assertThat(p.getString("request_id")).startsWith("req_");
    assertThat(r.headers().firstValue("x-request-id")).hasValue(p.getString("request_id"));
  }

  // ---- authentication ----

  @Test
  void aGoodTokenIsLetIn() {
    assertThat(call("GET", "/admin/users", null).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/admin/other", null).statusCode()).isEqualTo(200);
    HttpResponse<String> lowerCaseScheme = http.send(http.request("/admin/users").header("authorization", "bearer " + token));
    assertThat(lowerCaseScheme.statusCode()).isEqualTo(200);
  }

  @Test
  void missingOrWrongTokensAre401WithAChallenge() {
    var old = tokens.create("old", null);
    String revokedToken = old.plaintext();
    tokens.revoke(old.record().id());
    String expiringToken = tokens.create("short", START.plus(Duration.ofMinutes(10))).plaintext();
    auth.refresh().await();
    clock.advance(Duration.ofMinutes(10));

    HttpResponse<String> missing = call("GET", "/admin/users", null, null);
    assertProblem(missing, 401, "admin_token_invalid");
    assertThat(missing.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"toolgate-admin\"");

    List<HttpRequest.Builder> wrong = List.of(
        http.request("/admin/users").header("authorization", "Bearer " + token + "x"),
        http.request("/admin/users").header("authorization", "Bearer tga_" + "A".repeat(43)),
        http.request("/admin/users").header("authorization", "Bearer " + revokedToken),
        http.request("/admin/users").header("authorization", "Bearer " + expiringToken),
        http.request("/admin/users").header("authorization", "Basic " + token),
        http.request("/admin/users").header("authorization", token),
        http.request("/admin/users").header("authorization", "Bearer "),
        http.request("/admin/users").header("authorization", "Bearer " + "x".repeat(600)),
        http.request("/admin/users").header("authorization", "Bearer " + token).header("authorization", "Bearer " + token),
        http.request("/admin/other").header("authorization", "Bearer nope"),
        http.request("/admin/users").header("api-key", token));
    for (int i = 0; i < wrong.size(); i++) {
      HttpResponse<String> r = http.send(wrong.get(i));
      assertThat(r.statusCode()).as("request %d", i).isEqualTo(401);
      assertProblem(r, 401, "admin_token_invalid");
      assertThat(r.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer realm=\"toolgate-admin\""));
      assertThat(r.body()).doesNotContain(token);
    }
    assertThat(call("GET", "/admin/other", null, null).statusCode()).isEqualTo(401);
    assertThat(call("POST", "/admin/users", "{\"username\":\"x\",\"password\":\"12345678\"}", null).statusCode()).isEqualTo(401);
    assertThat(users.listUsers()).as("nothing happened without a token").isEmpty();
  }

  @Test
  void aRevokedTokenIsRefusedAfterTheNextRefresh() {
    assertThat(call("GET", "/admin/users", null).statusCode()).isEqualTo(200);
    tokens.revoke(tokens.list().get(0).id());
    auth.refresh().await(); // the timer does this every second
    assertProblem(call("GET", "/admin/users", null), 401, "admin_token_invalid");
  }

  @Test
  void aRevokedTokenIsRefusedWithinAboutASecondWithoutHelp() throws InterruptedException {
    tokens.revoke(tokens.list().get(0).id());
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    int status = 200;
    while (status == 200 && System.nanoTime() < deadline) {
      status = call("GET", "/admin/users", null).statusCode();
      Thread.sleep(100);
    }
    assertThat(status).isEqualTo(401);
  }

  @Test
  void aTokenCreatedBehindTheSnapshotsBackWorksAtOnce() {
    // As `toolgate admin-token create` in another process does: straight into the store, no refresh.
    for (int i = 0; i < 5; i++) {
      String fresh = tokens.create("script-" + i, null).plaintext();
      assertThat(call("GET", "/admin/users", null, fresh).statusCode()).as("GET with token %d", i).isEqualTo(200);
    }
    String another = tokens.create("script-post", null).plaintext();
    HttpResponse<String> created = call("POST", "/admin/users", "{\"username\":\"zoe\",\"password\":\"correct horse battery\"}", another);
    assertThat(created.statusCode()).as("the body survives the wait: %s", created.body()).isEqualTo(201);
  }

  @Test
  void madeUpTokensCannotMakeItReadTheStoreMoreThanAFewTimesASecond() throws Exception {
    // HTTP/1.1 only: the JDK client's h2c upgrade attempt fails 200 concurrent requests with "too many concurrent streams".
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long before = auth.onDemandLoads();
    long started = System.nanoTime();
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String madeUp = dev.toolgate.core.secret.SecretGenerator.secret(AdminTokenStore.PREFIX);
      calls.add(client.sendAsync(http.request("/admin/users").header("authorization", "Bearer " + madeUp).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> c : calls) {
      assertThat(c.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(401);
    }
    long loads = auth.onDemandLoads() - before;
    long allowed = (System.nanoTime() - started) / AdminAuth.ON_DEMAND_SPACING.toNanos() + 1;
    assertThat(loads).as("store reads for 200 made-up tokens").isPositive().isLessThanOrEqualTo(allowed);

    long after = auth.onDemandLoads();
    for (String malformed : List.of("nope", "tga_short", "tga_" + "!".repeat(43), "tgt_" + "A".repeat(43))) {
      assertThat(call("GET", "/admin/users", null, malformed).statusCode()).isEqualTo(401);
    }
    assertThat(auth.onDemandLoads()).as("malformed tokens are refused without a read").isEqualTo(after);
  }

  @Test
  void lastUseIsRecorded() {
    call("GET", "/admin/users", null);
    auth.refresh().await();
    assertThat(tokens.list().get(0).lastUsedAt()).isEqualTo(START);
  }

  @Test
  void aFailingStoreIs503NotA401() {
    db.database().close();
    HttpResponse<String> r = call("GET", "/admin/users", null);
    assertProblem(r, 503, "store_unavailable");
    assertThat(r.headers().firstValue("retry-after")).hasValue("5");
  }

  // ---- users ----

  @Test
  void userLifecycle() {
    HttpResponse<String> created = call("POST", "/admin/users", "{\"username\":\"Alice\",\"password\":\"correct horse battery\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject alice = json(created);
    String id = alice.getString("id");
    assertThat(alice.fieldNames()).containsExactlyInAnyOrder("id", "username", "disabled", "has_password", "created_at", "password_changed_at");
    assertThat(alice.getBoolean("has_password")).isTrue();
    assertThat(alice.getString("username")).isEqualTo("alice");
    assertThat(alice.getBoolean("disabled")).isFalse();
    assertThat(alice.getString("created_at")).isEqualTo(START.toString());
    assertThat(created.headers().firstValue("location")).hasValue("/admin/users/" + id);
    assertThat(created.body()).doesNotContain("argon2").doesNotContain("correct horse");
    assertThat(HASHER.verify("correct horse battery", users.findUser(id).orElseThrow().passwordHash())).isTrue();

    assertProblem(call("POST", "/admin/users", "{\"username\":\"ALICE\",\"password\":\"another password\"}"), 409, "conflict");
    call("POST", "/admin/users", "{\"username\":\"bob\",\"password\":\"bobs password\"}");

    JsonArray list = json(call("GET", "/admin/users", null)).getJsonArray("users");
    assertThat(list).hasSize(2);
    assertThat(list.getJsonObject(0).getString("username")).isEqualTo("alice");
    assertThat(list.encode()).doesNotContain("argon2");
    assertThat(json(call("GET", "/admin/users/" + id, null)).getString("username")).isEqualTo("alice");

    assertThat(json(call("POST", "/admin/users/" + id + "/disable", null)).getBoolean("disabled")).isTrue();
    assertThat(users.findUser(id).orElseThrow().disabled()).isTrue();
    assertThat(json(call("POST", "/admin/users/" + id + "/enable", null)).getBoolean("disabled")).isFalse();

    clock.advance(Duration.ofHours(2));
    HttpResponse<String> reset = call("POST", "/admin/users/" + id + "/password", "{\"password\":\"a brand new one\"}");
    assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
    assertThat(json(reset).getString("password_changed_at")).isEqualTo(START.plus(Duration.ofHours(2)).toString());
    String hash = users.findUser(id).orElseThrow().passwordHash();
    assertThat(HASHER.verify("a brand new one", hash)).isTrue();
    assertThat(HASHER.verify("correct horse battery", hash)).isFalse();

    assertProblem(call("POST", "/admin/users/usr_nope/disable", null), 404, "not_found");
    assertProblem(call("POST", "/admin/users/usr_nope/password", "{\"password\":\"long enough\"}"), 404, "not_found");
    assertProblem(call("GET", "/admin/users/usr_nope", null), 404, "not_found");
  }

  @Test
  void aUserWithoutAPasswordExistsButCannotLogIn() {
    HttpResponse<String> created = call("POST", "/admin/users", "{\"username\":\"carol\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(json(created).getBoolean("has_password")).isFalse();
    var carol = users.findUser(json(created).getString("id")).orElseThrow();
    assertThat(carol.hasPassword()).isFalse();
    assertThat(HASHER.verify("", carol.passwordHash())).isFalse();
    assertThat(HASHER.verify(User.NO_PASSWORD, carol.passwordHash())).isFalse();
    HttpResponse<String> token = call("POST", "/admin/users/" + carol.id() + "/customer-token", null);
    assertThat(token.statusCode()).as("a backend can still mint her tokens").isEqualTo(200);
  }

  @Test
  void badUserRequestsAre400Or413() {
    record Case(String body, int status, String code, String detail) {}
    for (Case c : List.of(
        new Case("{\"username\":\"carol\",\"password\":\"short\"}", 400, "invalid_request", "8-128 characters"),
        new Case("{\"username\":\"carol\",\"password\":\"" + "x".repeat(129) + "\"}", 400, "invalid_request", "8-128 characters"),
        new Case("{\"password\":\"long enough\"}", 400, "invalid_request", "username is required"),
        new Case("{\"username\":\"has space\",\"password\":\"long enough\"}", 400, "invalid_request", "username must be"),
        new Case("{\"username\":42,\"password\":\"long enough\"}", 400, "invalid_request", "must be a string"),
        new Case("{not json", 400, "invalid_request", "not valid JSON"),
        new Case("[1,2]", 400, "invalid_request", "JSON object"),
        new Case("{\"username\":\"carol\",\"password\":\"" + "x".repeat(20_000) + "\"}", 413, "body_too_large", "16384 bytes"))) {
      HttpResponse<String> r = call("POST", "/admin/users", c.body());
      assertProblem(r, c.status(), c.code());
      assertThat(json(r).getString("detail")).contains(c.detail());
    }
    assertThat(users.listUsers()).isEmpty();
  }

  @Test
  void aBackendMintsACustomerTokenForAUserWithoutTheirPassword() throws Exception {
    var alice = users.createUser("alice", HASHER.hash("correct horse battery"));
    HttpResponse<String> r = call("POST", "/admin/users/" + alice.id() + "/customer-token", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
    JsonObject body = json(r);
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("issued_at", "JWT", "expires_in");
    JWTClaimsSet claims = SignedJWT.parse(body.getString("JWT")).getJWTClaimsSet();
    assertThat(claims.getSubject()).isEqualTo(alice.id());
    assertThat(claims.getAudience()).containsExactly("toolgate");
    assertThat(claims.getIssuer()).isEqualTo(ISSUER);
    assertThat(claims.getClaim("token_use")).isEqualTo("customer");
    assertThat(body.getString("expires_in")).isEqualTo("28799"); // 8 h from a clock at .500 s

    JsonObject forTool = json(call("POST", "/admin/users/" + alice.id() + "/customer-token", "{\"tool\":\"refund\"}"));
    assertThat(SignedJWT.parse(forTool.getString("JWT")).getJWTClaimsSet().getAudience()).containsExactly("urn:toolgate:tool:refund");
  }

  @Test
  void aMisspeltToolIsRefusedNotMintedForTheWholeAudience() {
    var dana = users.createUser("dana", HASHER.hash("correct horse battery"));
    // Without "tool" the token is for every tool of the configured audience: a typo must not widen it.
    HttpResponse<String> r = call("POST", "/admin/users/" + dana.id() + "/customer-token", "{\"tools\":\"refund\"}");
    assertProblem(r, 400, "invalid_request");
    assertThat(json(r).getString("detail")).contains("tools").doesNotContain("JWT");
    assertProblem(call("POST", "/admin/users/" + dana.id() + "/customer-token", "{\"tool\":\"nope\",\"tool\":\"refund\"}"),
        400, "invalid_request");
  }

  @Test
  void customerTokensAreRefusedForUnknownToolsUsersAndDisabledUsersAndWithoutAnAdminToken() {
    var bob = users.createUser("bob", HASHER.hash("correct horse battery"));
    assertProblem(call("POST", "/admin/users/" + bob.id() + "/customer-token", "{\"tool\":\"nope\"}"), 400, "invalid_request");
    assertProblem(call("POST", "/admin/users/usr_nobody/customer-token", null), 404, "not_found");
    users.setUserDisabled(bob.id(), true);
    assertProblem(call("POST", "/admin/users/" + bob.id() + "/customer-token", null), 409, "conflict");
    HttpResponse<String> anonymous = call("POST", "/admin/users/" + bob.id() + "/customer-token", null, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.body()).doesNotContain("JWT");
  }

  // ---- platform users and session tokens ----

  @Test
  void platformUsersAndSessionTokenLifecycle() {
    String aliceId = json(call("POST", "/admin/users", "{\"username\":\"alice\",\"password\":\"correct horse battery\"}")).getString("id");
    String base = "/admin/platforms/sendbird/users";

    HttpResponse<String> mapped = call("POST", base, "{\"user_id\":\"sb-alice\",\"username\":\"alice\"}");
    assertThat(mapped.statusCode()).as(mapped.body()).isEqualTo(200);
    assertThat(json(mapped)).isEqualTo(new JsonObject().put("platform", "sendbird").put("user_id", "sb-alice")
        .put("toolgate_user_id", aliceId).put("username", "alice").put("created_at", START.toEpochMilli()));
    assertThat(call("POST", base, "{\"user_id\":\"sb-alice\",\"username\":\"alice\"}").statusCode()).as("idempotent").isEqualTo(200);
    assertThat(json(call("GET", base + "/sb-alice", null)).getString("toolgate_user_id")).isEqualTo(aliceId);
    assertProblem(call("GET", base + "/sb-nobody", null), 404, "not_found");
    assertProblem(call("POST", base, "{\"user_id\":\"sb-x\",\"username\":\"nobody\"}"), 404, "not_found");
    assertProblem(call("POST", base, "{\"user_id\":\"sb-other\",\"username\":\"alice\"}"), 409, "conflict");
    assertProblem(call("POST", base, "{\"username\":\"alice\"}"), 400, "invalid_request");
    assertProblem(call("POST", "/admin/platforms/Bad%20Name/users", "{\"user_id\":\"x\",\"username\":\"alice\"}"), 400, "invalid_request");

    // Issue: default expiry 7 days, value shown once.
    HttpResponse<String> first = call("POST", base + "/sb-alice/token", null);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    JsonObject firstToken = json(first);
    assertThat(firstToken.fieldNames()).containsExactlyInAnyOrder("token", "expires_at", "token_id");
    assertThat(firstToken.getString("token")).startsWith("tgu_");
    assertThat(firstToken.getLong("expires_at")).isEqualTo(START.plus(Duration.ofDays(7)).toEpochMilli());
    assertThat(users.findSessionTokenByValue(firstToken.getString("token"))).isPresent();

    long inOneDay = START.plus(Duration.ofDays(1)).toEpochMilli();
    JsonObject second = json(call("POST", base + "/sb-alice/token", "{\"expires_at\":" + inOneDay + "}"));
    assertThat(second.getLong("expires_at")).isEqualTo(inOneDay);
    JsonObject third = json(call("POST", base + "/sb-alice/token", "{}"));

    assertProblem(call("POST", base + "/sb-alice/token", "{\"expires_at\":" + (START.toEpochMilli() - 1) + "}"), 400, "invalid_request");
    assertProblem(call("POST", base + "/sb-alice/token", "{\"expires_at\":" + START.plus(Duration.ofDays(366)).toEpochMilli() + "}"), 400, "invalid_request");
    assertProblem(call("POST", base + "/sb-alice/token", "{\"expires_at\":\"tomorrow\"}"), 400, "invalid_request");
    assertProblem(call("POST", base + "/sb-alice/token", "{\"expires_at\":1.5}"), 400, "invalid_request");
    assertProblem(call("POST", base + "/sb-nobody/token", null), 404, "not_found");

    // List: ids and times, never values.
    HttpResponse<String> listed = call("GET", base + "/sb-alice/token", null);
    JsonArray list = json(listed).getJsonArray("tokens");
    assertThat(list).hasSize(3);
    assertThat(listed.body()).doesNotContain(firstToken.getString("token")).doesNotContain("tgu_");
    assertThat(list.getJsonObject(0).fieldNames()).containsExactlyInAnyOrder("token_id", "created_at", "expires_at", "revoked_at", "active");
    assertThat(list.getJsonObject(0).getBoolean("active")).isTrue();

    // Revoke one.
    clock.advance(Duration.ofMinutes(1));
    HttpResponse<String> revokedOne = call("DELETE", base + "/sb-alice/token/" + firstToken.getString("token_id"), null);
    assertThat(json(revokedOne)).isEqualTo(new JsonObject().put("token_id", firstToken.getString("token_id")).put("revoked", true));
    assertThat(json(call("DELETE", base + "/sb-alice/token/" + firstToken.getString("token_id"), null)).getBoolean("revoked")).isFalse();
    assertProblem(call("DELETE", base + "/sb-alice/token/sess_nope", null), 404, "not_found");
    JsonArray afterOne = json(call("GET", base + "/sb-alice/token", null)).getJsonArray("tokens");
    for (Object item : afterOne) {
      JsonObject t = (JsonObject) item;
      if (t.getString("token_id").equals(firstToken.getString("token_id"))) {
        assertThat(t.getLong("revoked_at")).isEqualTo(clock.instant().toEpochMilli());
        assertThat(t.getBoolean("active")).isFalse();
      } else {
        assertThat(t.getValue("revoked_at")).as("the others are untouched").isNull();
        assertThat(t.getBoolean("active")).isTrue();
      }
    }

    // Revoke all.
    assertThat(json(call("DELETE", base + "/sb-alice/token", null))).isEqualTo(new JsonObject().put("revoked", 2));
    assertThat(json(call("GET", base + "/sb-alice/token", null)).getJsonArray("tokens"))
        .allSatisfy(t -> assertThat(((JsonObject) t).getBoolean("active")).isFalse());
    assertThat(json(call("DELETE", base + "/sb-alice/token", null)).getInteger("revoked")).isZero();
    assertProblem(call("DELETE", base + "/sb-nobody/token", null), 404, "not_found");
    assertThat(third.getString("token_id")).isNotEqualTo(second.getString("token_id"));

    // Unauthenticated: nothing of this is reachable.
    assertThat(call("GET", base + "/sb-alice/token", null, null).statusCode()).isEqualTo(401);
    assertThat(call("POST", base + "/sb-alice/token", null, null).statusCode()).isEqualTo(401);
    assertThat(call("DELETE", base + "/sb-alice/token", null, null).statusCode()).isEqualTo(401);
  }
}
