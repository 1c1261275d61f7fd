package dev.toolgate.server.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.toolgate.core.net.CidrSet;
import dev.toolgate.core.net.ClientAddress;
import dev.toolgate.core.token.JwtIssuer;
import dev.toolgate.core.token.KeyRing;
import dev.toolgate.core.token.SigningAlgorithm;
import dev.toolgate.core.token.SigningKey;
import dev.toolgate.core.token.SigningKeys;
import dev.toolgate.server.store.MasterKey;
import dev.toolgate.server.store.SecretBox;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /auth/customer_authenticate} and {@code POST /auth/logout} over real HTTP, SQLite store. */
class CustomerLoginEndpointTest {
  static final String ISSUER = "http://127.0.0.1:8080";
  static final String LOGIN = CustomerLoginEndpoint.LOGIN_PATH;
  static final String LOGOUT = CustomerLoginEndpoint.LOGOUT_PATH;
  static final PasswordHasher HASHER = new PasswordHasher(new PasswordHasher.Parameters(256, 1, 1));
  static final SigningKey KEY = SigningKeys.generate(SigningAlgorithm.RS256, Instant.now());

  TestDb db;
  UserStore users;
  OpaqueIds opaqueIds;
  Vertx vertx;
  HttpHarness http;
  Map<String, Instant> revoked;
  Supplier<KeyRing> ring = () -> new KeyRing(KEY, List.of(KEY));
  User alice;

  @BeforeEach
  void start() {
    db = TestDb.sqlite();
    users = new UserStore(db.database());
    opaqueIds = new OpaqueIds(db.database(), new SecretBox(MasterKey.generate()));
    vertx = Vertx.vertx();
    revoked = new ConcurrentHashMap<>();
    alice = users.createUser("alice", HASHER.hash("correct horse battery"));
    User disabled = users.createUser("dora", HASHER.hash("correct horse battery"));
    users.setUserDisabled(disabled.id(), true);
  }

  void serve(CustomerLoginSettings settings, LoginThrottle throttle, PasswordHasher hasher) {
    serve(settings, throttle, hasher, new ClientAddress(new CidrSet(List.of())));
  }

  void serve(CustomerLoginSettings settings, LoginThrottle throttle, PasswordHasher hasher, ClientAddress clientAddress) {
    CustomerLoginEndpoint endpoint = new CustomerLoginEndpoint(users, hasher, new JwtIssuer(ring), ring, throttle, clientAddress, opaqueIds,
        settings, revoked::put, Clock.systemUTC());
    http = new HttpHarness(vertx, List.of(endpoint));
  }

  void serve(CustomerLoginSettings settings) {
    serve(settings, new InMemoryLoginThrottle(LoginThrottle.Limits.DEFAULT), HASHER);
  }

  void serve() {
    serve(CustomerLoginSettings.defaults(ISSUER));
  }

  @AfterEach
  void stop() {
    if (http != null) {
      http.close();
    }
    vertx.close().await();
    db.close();
  }

  static String form(String username, String password) {
    return "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
  }

  HttpResponse<String> login(String username, String password, String... headers) {
    return http.form(LOGIN, form(username, password), headers);
  }

  // ---- success ----

  @Test
  void successHasTheAsappShapeAndASignedJwt() throws Exception {
    serve(CustomerLoginSettings.defaults(ISSUER).withScopes(List.of("profile:read", "orders")));
    long before = System.currentTimeMillis();
    HttpResponse<String> response = login("alice", "correct horse battery");
    long after = System.currentTimeMillis();

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(response.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(response.headers().firstValue("x-request-id")).hasValueSatisfying(id -> assertThat(id).startsWith("req_"));
    JsonObject body = HttpHarness.json(response);
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("issued_at", "JWT", "expires_in");
    assertThat(response.body()).startsWith("{\"issued_at\":\"");
    assertThat(body.getValue("issued_at")).isInstanceOf(String.class);
    assertThat(body.getValue("expires_in")).isInstanceOf(String.class);
    assertThat(body.getValue("JWT")).isInstanceOf(String.class);
    long issuedAt = Long.parseLong(body.getString("issued_at"));
    assertThat(issuedAt).isBetween(before, after);
    assertThat(body.getString("issued_at")).matches("[0-9]{13}");
    assertThat(Long.parseLong(body.getString("expires_in"))).isBetween(28_799L, 28_800L);

    SignedJWT jwt = SignedJWT.parse(body.getString("JWT"));
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
    assertThat(jwt.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
    assertThat(jwt.getHeader().getKeyID()).isEqualTo(KEY.kid());
    assertThat(jwt.verify(new RSASSAVerifier(ring.get().key(KEY.kid()).orElseThrow().publicJwk().toRSAKey()))).isTrue();

    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertThat(claims.getIssuer()).isEqualTo(ISSUER);
    assertThat(claims.getAudience()).containsExactly("toolgate");
    assertThat(claims.getIssueTime().getTime() / 1000).isEqualTo(issuedAt / 1000);
    assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).isEqualTo(28_800_000L);
    assertThat(claims.getJWTID()).isNotBlank();
    assertThat(claims.getStringClaim("scope")).isEqualTo("profile:read orders");
    assertThat(claims.getStringClaim("token_use")).isEqualTo("customer");
    // Default subject: the opaque customer id, which resolves to alice inside Toolgate only.
    assertThat(claims.getSubject()).matches("oc1_[A-Za-z0-9_-]{32}").doesNotContain("alice").doesNotContain(alice.id());
    assertThat(opaqueIds.resolve(claims.getSubject()).orElseThrow().userId()).isEqualTo(alice.id());

    // Consistent across sessions: a second login carries the same subject and a new jti.
    JWTClaimsSet again = SignedJWT.parse(HttpHarness.json(login("ALICE", "correct horse battery")).getString("JWT")).getJWTClaimsSet();
    assertThat(again.getSubject()).isEqualTo(claims.getSubject());
    assertThat(again.getJWTID()).isNotEqualTo(claims.getJWTID());
  }

  @Test
  void subjectCanBeTheUserIdAndLifetimeAndScopesAreConfigurable() throws Exception {
    serve(CustomerLoginSettings.defaults(ISSUER).withSubject(CustomerLoginSettings.Subject.USER_ID).withLifetime(Duration.ofMinutes(30)));
    JsonObject body = HttpHarness.json(login("alice", "correct horse battery"));
    JWTClaimsSet claims = SignedJWT.parse(body.getString("JWT")).getJWTClaimsSet();
    assertThat(claims.getSubject()).isEqualTo(alice.id());
    assertThat(claims.getClaim("scope")).as("no scopes configured: no claim").isNull();
    assertThat(Long.parseLong(body.getString("expires_in"))).isBetween(1799L, 1800L);
  }

  @Test
  void outdatedHashesAreUpgradedAtLogin() {
    PasswordHasher newer = new PasswordHasher(new PasswordHasher.Parameters(512, 1, 1));
    serve(CustomerLoginSettings.defaults(ISSUER), new InMemoryLoginThrottle(LoginThrottle.Limits.DEFAULT), newer);
    assertThat(login("alice", "correct horse battery").statusCode()).isEqualTo(200);
    String hash = users.findUser(alice.id()).orElseThrow().passwordHash();
    assertThat(hash).startsWith("$argon2id$v=19$m=512,t=1,p=1$");
    assertThat(login("alice", "correct horse battery").statusCode()).isEqualTo(200);
  }

  // ---- refusals ----

  @Test
  void unknownUserWrongPasswordAndDisabledUserLookTheSame() {
    users.createUser("nopass", User.NO_PASSWORD);
    serve();
    List<HttpResponse<String>> refusals = List.of(
        login("nobody", "correct horse battery"),
        login("alice", "wrong password"),
        login("dora", "correct horse battery"),
        login("nopass", User.NO_PASSWORD),
        login("not a valid username!", "whatever"));
    for (HttpResponse<String> r : refusals) {
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.body()).isEqualTo(refusals.get(0).body())
          .isEqualTo("{\"error\":\"invalid_credentials\",\"error_description\":\"the username or password is incorrect\"}");
      assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
      assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
      assertThat(r.headers().map().keySet()).isEqualTo(refusals.get(0).headers().map().keySet());
    }
  }

  @Test
  void failuresAreThrottledPerUsername() {
    serve();
    for (int i = 0; i < 5; i++) {
      assertThat(login("alice", "wrong password " + i).statusCode()).isEqualTo(401);
    }
    HttpResponse<String> throttled = login("alice", "correct horse battery");
    assertThat(throttled.statusCode()).as("even the right password waits").isEqualTo(429);
    assertThat(throttled.headers().firstValue("retry-after")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 180L));
    assertThat(HttpHarness.json(throttled).getString("error")).isEqualTo("too_many_attempts");
    assertThat(login("ALICE", "wrong").statusCode()).as("username compared in lower case").isEqualTo(429);
    // The same throttling for a name that does not exist: 429 does not reveal existence either.
    for (int i = 0; i < 5; i++) {
      assertThat(login("ghost", "wrong password").statusCode()).isEqualTo(401);
    }
    assertThat(login("ghost", "wrong password").statusCode()).isEqualTo(429);
  }

  @Test
  void failuresAreThrottledPerClientAddressWhateverTheUsername() {
    serve();
    for (int i = 0; i < 20; i++) {
      assertThat(login("guess" + i, "wrong password").statusCode()).as("attempt %d", i).isEqualTo(401);
    }
    HttpResponse<String> throttled = login("yet-another-name", "wrong password");
    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(throttled.headers().firstValue("retry-after")).isPresent();
    // Deliberately so for guessable passwords: letting a right one through would tell a throttled guesser it was right.
    assertThat(login("alice", "correct horse battery").statusCode()).as("the address is throttled, not the user").isEqualTo(429);
  }

  @Test
  void withTheAddressLimitOffOnlyUsernamesAreThrottled() {
    serve(CustomerLoginSettings.defaults(ISSUER), new InMemoryLoginThrottle(LoginThrottle.Limits.DEFAULT.withoutAddressLimit()), HASHER);
    for (int i = 0; i < 30; i++) {
      assertThat(login("guess" + i, "wrong password").statusCode()).as("attempt %d", i).isEqualTo(401);
    }
    assertThat(login("alice", "correct horse battery").statusCode()).as("one egress address for every user").isEqualTo(200);
    for (int i = 0; i < 4; i++) {
      assertThat(login("guess0", "wrong password").statusCode()).isEqualTo(401);
    }
    assertThat(login("guess0", "wrong password").statusCode()).as("the username limit still holds").isEqualTo(429);
  }

  @Test
  void behindATrustedProxyEachClientHasItsOwnAddressBudget() {
    serve(CustomerLoginSettings.defaults(ISSUER), new InMemoryLoginThrottle(LoginThrottle.Limits.DEFAULT), HASHER,
        new ClientAddress(CidrSet.parse(List.of("127.0.0.1", "::1"))));
    for (int i = 0; i < 20; i++) {
      assertThat(login("guess" + i, "wrong password", "x-forwarded-for", "198.51.100.66").statusCode()).as("attempt %d", i).isEqualTo(401);
    }
    assertThat(login("one-more", "wrong password", "x-forwarded-for", "198.51.100.66").statusCode()).isEqualTo(429);
    assertThat(login("alice", "correct horse battery", "x-forwarded-for", "198.51.100.67").statusCode())
        .as("another client behind the same proxy").isEqualTo(200);
  }

  @Test
  void successesDoNotCountAndDoNotWipeEarlierFailures() {
    serve();
    for (int i = 0; i < 4; i++) {
      assertThat(login("alice", "wrong").statusCode()).isEqualTo(401);
    }
    for (int i = 0; i < 10; i++) {
      assertThat(login("alice", "correct horse battery").statusCode()).isEqualTo(200);
    }
    assertThat(login("alice", "wrong").statusCode()).as("fifth failure").isEqualTo(401);
    assertThat(login("alice", "wrong").statusCode()).isEqualTo(429);
  }

  @Test
  void malformedRequestsAre400NeverA500() {
    serve();
    record Case(String name, String contentType, String body, String expected) {}
    List<Case> cases = List.of(
        new Case("missing username", "application/x-www-form-urlencoded", "password=correct+horse+battery", "missing username"),
        new Case("missing password", "application/x-www-form-urlencoded", "username=alice", "missing password"),
        new Case("empty password", "application/x-www-form-urlencoded", "username=alice&password=", "missing password"),
        new Case("repeated username", "application/x-www-form-urlencoded", "username=alice&username=bob&password=x", "username is repeated"),
        new Case("JSON body", "application/json", "{\"username\":\"alice\",\"password\":\"correct horse battery\"}", "application/x-www-form-urlencoded"),
        new Case("no content type", null, "username=alice&password=x", "application/x-www-form-urlencoded"),
        new Case("huge body", "application/x-www-form-urlencoded", "username=alice&password=" + "x".repeat(100_000), "larger than 8192 bytes"),
        new Case("bad percent-encoding", "application/x-www-form-urlencoded", "username=%zz&password=%", null),
        new Case("empty body", "application/x-www-form-urlencoded", "", "missing username"));
    for (Case c : cases) {
      HttpResponse<String> r = http.post(LOGIN, c.contentType(), c.body());
      assertThat(r.statusCode()).as(c.name() + ": " + r.body()).isEqualTo(400);
      assertThat(r.headers().firstValue("content-type")).as(c.name()).hasValue("application/json");
      JsonObject body = HttpHarness.json(r);
      assertThat(body.getString("error")).as(c.name()).isEqualTo("invalid_request");
      if (c.expected() != null) {
        assertThat(body.getString("error_description")).as(c.name()).contains(c.expected());
      }
    }
    // None of these counted as a failed login.
    assertThat(login("alice", "correct horse battery").statusCode()).isEqualTo(200);
  }

  @Test
  void aFailingStoreIs503NotA401() {
    serve();
    db.database().close();
    HttpResponse<String> r = login("alice", "correct horse battery");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(HttpHarness.json(r).getString("error")).isEqualTo("temporarily_unavailable");
    assertThat(r.body()).doesNotContain("sqlite").doesNotContain("SQL");
  }

  // ---- logout ----

  @Test
  void logoutRevokesTheTokensJti() throws Exception {
    serve();
    String jwt = HttpHarness.json(login("alice", "correct horse battery")).getString("JWT");
    JWTClaimsSet claims = SignedJWT.parse(jwt).getJWTClaimsSet();

    HttpResponse<String> out = http.post(LOGOUT, null, "", "authorization", "Bearer " + jwt);
    assertThat(out.statusCode()).as(out.body()).isEqualTo(204);
    assertThat(revoked).containsExactly(Map.entry(claims.getJWTID(), claims.getExpirationTime().toInstant()));

    String other = HttpHarness.json(login("alice", "correct horse battery")).getString("JWT");
    assertThat(http.post(LOGOUT, null, "", "customer-auth", "JWT " + other).statusCode()).as("ASAPP's header works too").isEqualTo(204);
    assertThat(revoked).containsKey(SignedJWT.parse(other).getJWTClaimsSet().getJWTID());
  }

  @Test
  void logoutRefusesTokensThatAreNotOurs() throws Exception {
    serve();
    String jwt = HttpHarness.json(login("alice", "correct horse battery")).getString("JWT");
    var foreignKey = new RSAKeyGenerator(2048).keyID(KEY.kid()).algorithm(JWSAlgorithm.RS256).generate();
    SignedJWT forged = new SignedJWT(SignedJWT.parse(jwt).getHeader(), SignedJWT.parse(jwt).getJWTClaimsSet());
    forged.sign(new com.nimbusds.jose.crypto.RSASSASigner(foreignKey));
    // An access token of ours (no token_use: customer) is not a customer session either.
    JwtIssuer issuer = new JwtIssuer(ring);
    String accessToken = issuer.sign(new JWTClaimsSet.Builder().issuer(ISSUER).audience("toolgate").subject("cl_x")
        .jwtID("at-1").issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 60_000)).build(), JOSEObjectType.JWT);

    for (String[] headers : List.of(
        new String[] {},
        new String[] {"authorization", "Bearer"},
        new String[] {"authorization", "Basic " + jwt},
        new String[] {"authorization", "Bearer not.a.jwt"},
        new String[] {"authorization", "Bearer " + forged.serialize()},
        new String[] {"authorization", "Bearer " + accessToken},
        new String[] {"authorization", "Bearer " + jwt + "x"})) {
      HttpResponse<String> r = http.post(LOGOUT, null, "", headers);
      assertThat(r.statusCode()).as(String.join(" ", headers)).isEqualTo(401);
      assertThat(HttpHarness.json(r).getString("error")).isEqualTo("invalid_token");
      assertThat(r.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer realm="));
    }
    assertThat(revoked).isEmpty();
  }

  @Test
  void logoutWithAnExpiredTokenHasNothingToDo() {
    serve();
    JwtIssuer issuer = new JwtIssuer(ring);
    long now = System.currentTimeMillis();
    String expired = issuer.sign(new JWTClaimsSet.Builder().issuer(ISSUER).audience("toolgate").subject("oc1_x")
        .jwtID("old").claim("token_use", "customer")
        .issueTime(new Date(now - 7_200_000)).expirationTime(new Date(now - 3_600_000)).build(), JOSEObjectType.JWT);
    assertThat(http.post(LOGOUT, null, "", "authorization", "Bearer " + expired).statusCode()).isEqualTo(204);
    assertThat(revoked).isEmpty();
  }

  @Test
  void otherMethodsAndPathsAreNotServedHere() {
    serve();
    assertThat(http.send(http.request(LOGIN).GET()).statusCode()).isIn(404, 405);
    assertThat(http.send(http.request("/auth/customer_refresh").POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(404);
  }
}
