package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.credential.SendbirdSignatureVerifier;
import dev.toolgate.core.port.ClientRecord;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.toolgate.server.redis.RedisServerProcess;
import dev.toolgate.server.store.OAuthClientStore;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import dev.toolgate.server.users.PasswordHasher;
import dev.toolgate.server.users.UserStore;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Three real instances on one PostgreSQL and one Redis behave exactly like one: every limit counts
 * across them, and whatever may be used once is used once in all of them together.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ScaleOutIntegrationTest {
  static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("a 32-byte symmetric secret key!!".getBytes(StandardCharsets.UTF_8));
  static final String TOOLS = """
        - name: limited
          method: POST
          path: /limited
          upstream: UPSTREAM
          policy: {anonymous: true}
          when_limits_unavailable: refuse
          rate_limits:
            - {per: [tool], limit: 100, period: 1h}
        - name: per_client
          platform: sendbird
          method: POST
          path: /per-client
          upstream: UPSTREAM
          policy: {require: [api_key]}
          rate_limits:
            - {per: [client], limit: 20, period: 1h}
            - {per: [tool], limit: 1000, period: 1h}
        - name: hooks
          platform: hooks
          method: POST
          path: /hooks
          upstream: UPSTREAM
          policy: {require: [standard_webhooks]}
        - name: transfer
          method: POST
          path: /transfer
          upstream: UPSTREAM
          policy:
            require: [user_token]
            user_token: { header: customer-auth, single_use: true, audience: tool }
      failed_auth_limit: {limit: 6, period: 1h}
      """;
  static final String AUTH = """
      authorization_server:
        issuer: ISSUER
        password_hash: { memory_kib: 8192, iterations: 1, parallelism: 1 }
        login_throttle: { per_user_failures: 4, per_ip_failures: off, window: 1h }
      """;

  RedisServerProcess redis;
  ToolgateCluster cluster;
  String apiKey;
  String oauthClient;
  ECKey clientKey;

  @BeforeAll
  void start() throws Exception {
    redis = RedisServerProcess.start();
    // A generous timeout: exactness is the point here, and 500 calls at once load this machine's two cores.
    cluster = new ToolgateCluster("redis:\n  url: redis://127.0.0.1:" + redis.port() + "\n  timeout: 3s\n",
        TOOLS + AUTH.replace("ISSUER", ToolgateCluster.ISSUER));
    ClientRecord hooks = cluster.admin.createClient("hooks", "hooks");
    cluster.admin.addSigningSecret(hooks.id(), SECRET.getBytes(StandardCharsets.UTF_8), null);
    ClientRecord agent = cluster.admin.createClient("agent", "sendbird");
    apiKey = cluster.admin.createApiKey(agent.id(), Set.of("*"), null).plaintext();
    oauthClient = cluster.admin.createClient("assertions", "sendbird").id();
    clientKey = new ECKeyGenerator(Curve.P_256).keyID("client-key-1").generate();
    new OAuthClientStore(cluster.adminDb).setOAuthSettings(oauthClient, Set.of("orders.read"), Duration.ofMinutes(30),
        Set.of("private_key_jwt"), new JWKSet(clientKey.toPublicJWK()).toString());
    PasswordHasher hasher = new PasswordHasher(new PasswordHasher.Parameters(8192, 1, 1));
    UserStore users = new UserStore(cluster.adminDb);
    users.createUser("ada", hasher.hash("ada password 1"));
    users.createUser("bob", hasher.hash("bob password 2"));
    cluster.start(3);
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  /** Sends every request at once (asynchronously), request {@code i} to instance {@code i % 3}; the answers in order. */
  List<HttpResponse<String>> concurrently(int count, Function<Integer, HttpRequest> request) {
    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      sent.add(cluster.http.sendAsync(request.apply(i), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
    }
    return sent.stream().map(CompletableFuture::join).toList();
  }

  static Map<Integer, Long> statuses(List<HttpResponse<String>> answers) {
    return answers.stream().collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
  }

  @Test
  void fiveHundredConcurrentCallsOverThreeInstancesAgainstALimitOfOneHundredAllowExactlyOneHundred() {
    int hitsBefore = cluster.upstream.hits.get();
    List<HttpResponse<String>> answers = concurrently(500, i -> cluster.post(i % 3, "/limited", "{}").build());
    assertThat(statuses(answers)).containsOnly(Map.entry(200, 100L), Map.entry(429, 400L));
    assertThat(cluster.upstream.hits.get() - hitsBefore).as("only the allowed calls reached the upstream").isEqualTo(100);
    Set<String> remaining = new HashSet<>();
    for (HttpResponse<String> r : answers) {
      assertThat(r.headers().firstValue("ratelimit-limit")).hasValue("100");
      if (r.statusCode() == 200) {
        remaining.add(r.headers().firstValue("ratelimit-remaining").orElseThrow());
      } else {
        assertThat(r.headers().firstValue("ratelimit-remaining")).hasValue("0");
        // One call is refilled every 36 s (100 an hour): that is when to come back.
        assertThat(Long.parseLong(r.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 36L);
        assertThat(new JsonObject(r.body()).getString("code")).isEqualTo("rate_limited");
      }
    }
    assertThat(remaining).as("each allowed call saw its own count: 99 down to 0").hasSize(100).contains("99", "0");
  }

  @Test
  void aClientsLimitCountsAcrossInstances() throws Exception {
    List<HttpResponse<String>> answers = concurrently(60, i -> cluster.post(i % 3, "/per-client", "{}").header("api-key", apiKey).build());
    assertThat(statuses(answers)).containsOnly(Map.entry(200, 20L), Map.entry(429, 40L));
    HttpResponse<String> another = cluster.send(cluster.post(1, "/per-client", "{}").header("api-key", apiKey).build());
    assertThat(another.statusCode()).isEqualTo(429);
  }

  static String webhook(String id, long ts, String body) {
    byte[] key = Base64.getDecoder().decode(SECRET.substring("whsec_".length()));
    return "v1," + Base64.getEncoder().encodeToString(SendbirdSignatureVerifier.hmac(key, (id + "." + ts + "." + body).getBytes(StandardCharsets.UTF_8)));
  }

  HttpRequest hook(int instance, String id, String clientIp) {
    return hook(cluster, instance, id, clientIp);
  }

  /** A Standard Webhooks message signed now with {@link #SECRET}, from {@code clientIp} (through the trusted proxy, loopback). */
  static HttpRequest hook(ToolgateCluster cluster, int instance, String id, String clientIp) {
    long ts = System.currentTimeMillis() / 1000;
    String body = "{\"event\":\"" + id + "\"}";
    return cluster.post(instance, "/hooks", body).header("webhook-id", id).header("webhook-timestamp", Long.toString(ts))
        .header("webhook-signature", webhook(id, ts, body)).header("x-forwarded-for", clientIp).build();
  }

  @Test
  void aWebhookReplayedToAnotherInstanceIsRefusedAsOnOne() throws Exception {
    assertThat(cluster.send(hook(0, "msg_once", "198.51.100.1")).statusCode()).isEqualTo(200);
    int hitsAfterFirst = cluster.upstream.hits.get();
    for (int instance = 0; instance < 3; instance++) {
      HttpResponse<String> replay = cluster.send(hook(instance, "msg_once", "198.51.100.1"));
      assertThat(replay.statusCode()).isEqualTo(401);
      assertThat(new JsonObject(replay.body()).getString("code")).isEqualTo("replayed");
    }
    assertThat(cluster.upstream.hits.get()).as("no replay reached the upstream").isEqualTo(hitsAfterFirst);
  }

  @Test
  void theSameMessageSentToAllInstancesAtOnceIsAcceptedExactlyOnce() {
    for (int round = 0; round < 20; round++) {
      String id = "msg_race_" + round;
      String ip = "198.51.100." + (10 + round);
      List<HttpResponse<String>> answers = concurrently(9, i -> hook(i % 3, id, ip));
      // The replays are 401, or 429 once the sender's address has used up its failed-authentication budget (6).
      assertThat(statuses(answers)).as(id).containsEntry(200, 1L).containsOnlyKeys(200, 401, 429);
    }
  }

  @Test
  void failedAuthenticationsCountAcrossInstances() throws Exception {
    HttpRequest.Builder bad = HttpRequest.newBuilder().timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("{}"))
        .header("api-key", "tgk_not-a-real-key-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").header("x-forwarded-for", "198.51.100.200");
    List<Integer> codes = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      codes.add(cluster.send(bad.copy().uri(URI.create(cluster.base(i % 3) + "/per-client")).build()).statusCode());
    }
    assertThat(codes).containsExactly(401, 401, 401, 401, 401, 401, 429, 429, 429);
  }

  String login(int instance, String user, String password, String tool) throws Exception {
    HttpResponse<String> r = loginResponse(instance, user, password, tool);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getString("JWT");
  }

  HttpResponse<String> loginResponse(int instance, String user, String password, String tool) throws Exception {
    String form = "username=" + user + "&password=" + password.replace(" ", "+") + (tool == null ? "" : "&tool=" + tool);
    return cluster.send(HttpRequest.newBuilder(URI.create(cluster.base(instance) + "/auth/customer_authenticate"))
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8))
        .header("content-type", "application/x-www-form-urlencoded").build());
  }

  @Test
  void aSingleUseTokenIsUsableOnceAcrossAllInstances() throws Exception {
    String token = login(0, "ada", "ada password 1", "transfer");
    List<HttpResponse<String>> answers = concurrently(6, i -> cluster.post(i % 3, "/transfer", "{}").header("customer-auth", "JWT " + token)
        .header("x-forwarded-for", "198.51.100.201").build());
    assertThat(statuses(answers)).as(answers.get(0).body()).containsOnly(Map.entry(200, 1L), Map.entry(401, 5L));
  }

  @Test
  void failedLoginsCountAcrossInstances() throws Exception {
    for (int i = 0; i < 4; i++) {
      assertThat(loginResponse(i % 3, "bob", "wrong guess " + i, null).statusCode()).isEqualTo(401);
    }
    HttpResponse<String> throttled = loginResponse(2, "bob", "bob password 2", null);
    assertThat(throttled.statusCode()).as("even the right password, once the user's failures are used up").isEqualTo(429);
    assertThat(throttled.headers().firstValue("retry-after")).isPresent();
  }

  @Test
  void aClientAssertionIsAcceptedByOneInstanceOnly() throws Exception {
    SignedJWT assertion = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("client-key-1").build(), new JWTClaimsSet.Builder()
        .issuer(oauthClient).subject(oauthClient).audience(ToolgateCluster.ISSUER + "/oauth/token").jwtID(UUID.randomUUID().toString())
        .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(60))).build());
    assertion.sign(new ECDSASigner(clientKey));
    String form = "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
        + "&client_assertion=" + assertion.serialize();
    List<HttpResponse<String>> answers = concurrently(6, i -> HttpRequest.newBuilder(URI.create(cluster.base(i % 3) + "/oauth/token"))
        .timeout(Duration.ofSeconds(10)).header("content-type", "application/x-www-form-urlencoded")
        .header("x-forwarded-for", "198.51.100.202").POST(HttpRequest.BodyPublishers.ofString(form)).build());
    assertThat(statuses(answers)).containsOnly(Map.entry(200, 1L), Map.entry(401, 5L));
    assertThat(answers.stream().filter(r -> r.statusCode() == 401))
        .allSatisfy(r -> assertThat(new JsonObject(r.body()).getString("error_description")).contains("already used"));
  }
}
