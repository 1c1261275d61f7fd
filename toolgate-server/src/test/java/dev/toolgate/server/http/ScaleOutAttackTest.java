package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.redis.RedisServerProcess;
import dev.toolgate.server.store.OAuthClientStore;
import io.vertx.core.json.JsonObject;
import java.net.URI;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two instances on one PostgreSQL and a Redis the test controls, attacked where they share state:
 * once-only things replayed across instances, with Redis down or frozen in between, and every answer
 * to a fault checked for what it tells the client (never a 401 for a valid call, a 503 says when to
 * come back).
 */
@Timeout(120)
class ScaleOutAttackTest {
  static final String TOOLS = """
        - name: hooks
          platform: hooks
          method: POST
          path: /hooks
          upstream: UPSTREAM
          policy: {require: [standard_webhooks]}
        - name: keyed
          platform: sendbird
          method: POST
          path: /keyed
          upstream: UPSTREAM
          policy: {require: [api_key]}
      failed_auth_limit: {limit: 6, period: 1h}
      authorization_server:
        issuer: ISSUER
      """;
  static final String FORM = "grant_type=client_credentials&client_assertion_type="
      + "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=";

  RedisServerProcess redis;
  ToolgateCluster cluster;
  ClientRecord client;
  ECKey clientKey;

  @BeforeEach
  void start() throws Exception {
    redis = RedisServerProcess.start();
    cluster = new ToolgateCluster("redis:\n  url: redis://127.0.0.1:" + redis.port() + "\n  timeout: 300ms\n",
        TOOLS.replace("ISSUER", ToolgateCluster.ISSUER));
    ClientRecord hooks = cluster.admin.createClient("hooks", "hooks");
    cluster.admin.addSigningSecret(hooks.id(), ScaleOutIntegrationTest.SECRET.getBytes(StandardCharsets.UTF_8), null);
    client = cluster.admin.createClient("keyed", "sendbird");
    clientKey = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    new OAuthClientStore(cluster.adminDb, Clock.systemUTC()).setOAuthSettings(client.id(), Set.of("orders.read"), Duration.ofHours(1),
        Set.of("private_key_jwt"), new JWKSet(clientKey.toPublicJWK()).toString());
    cluster.start(2);
  }

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  String assertion() throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").build(), new JWTClaimsSet.Builder()
        .issuer(client.id()).subject(client.id()).audience(ToolgateCluster.ISSUER + "/oauth/token").jwtID(UUID.randomUUID().toString())
        .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(60))).build());
    jwt.sign(new ECDSASigner(clientKey));
    return jwt.serialize();
  }

  HttpRequest token(int instance, String assertion) {
    return HttpRequest.newBuilder(URI.create(cluster.base(instance) + "/oauth/token")).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(FORM + assertion, StandardCharsets.UTF_8))
        .header("content-type", "application/x-www-form-urlencoded").build();
  }

  HttpRequest hook(int instance, String id, long ts) {
    String body = "{\"event\":\"" + id + "\"}";
    return cluster.post(instance, "/hooks", body).header("webhook-id", id).header("webhook-timestamp", Long.toString(ts))
        .header("webhook-signature", ScaleOutIntegrationTest.webhook(id, ts, body)).build();
  }

  static final String BAD_KEY = "tgk_not-a-real-key-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

  /**
   * One request over a raw socket bound to {@code local} (127.0.0.2 is not a trusted proxy, unlike
   * 127.0.0.1), with whatever X-Forwarded-For it likes; the status line's code.
   */
  int rawBadKey(int instance, String local, String forwardedFor) throws Exception {
    try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getByName("127.0.0.1"), cluster.instances.get(instance).port(),
        java.net.InetAddress.getByName(local), 0)) {
      socket.setSoTimeout(10_000);
      String request = "POST /keyed HTTP/1.1\r\nHost: toolgate\r\napi-key: " + BAD_KEY + "\r\nX-Forwarded-For: " + forwardedFor
          + "\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      return Integer.parseInt(status.substring(9, 12));
    }
  }

  @Test
  void addressesMadeUpInXForwardedForByAnUntrustedPeerShareItsFailedAuthBudgetAcrossInstances() throws Exception {
    List<Integer> codes = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      codes.add(rawBadKey(i % 2, "127.0.0.2", "203.0.113." + i + ", 198.51.100." + i));
    }
    assertThat(codes).containsExactly(401, 401, 401, 401, 401, 401, 429, 429, 429, 429);
  }

  @Test
  void oneIpv6NetworkHasOneFailedAuthBudgetWhateverAddressOfItTheProxySays() throws Exception {
    // A client with a /64 (any VPS) has 2^64 addresses: counted per address, it would never run out
    // of failures, and every address would be one more key in Redis.
    List<Integer> codes = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> r = cluster.send(cluster.post(i % 2, "/keyed", "{}").header("api-key", BAD_KEY)
          .header("x-forwarded-for", "2001:db8:5:6:" + Integer.toHexString(0x1000 + i) + "::" + Integer.toHexString(i + 1)).build());
      codes.add(r.statusCode());
    }
    assertThat(codes).containsExactly(401, 401, 401, 401, 401, 401, 429, 429, 429, 429);
  }

  static Map<Integer, Long> statuses(List<HttpResponse<String>> answers) {
    return answers.stream().collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
  }

  @Test
  void aClientAssertionSentToBothInstancesAtOnceIsAcceptedOnce() throws Exception {
    for (int round = 0; round < 10; round++) {
      String assertion = assertion();
      List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        sent.add(cluster.http.sendAsync(token(i % 2, assertion), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
      }
      List<HttpResponse<String>> answers = sent.stream().map(CompletableFuture::join).toList();
      assertThat(statuses(answers)).as(answers.toString()).containsOnly(Map.entry(200, 1L), Map.entry(401, 5L));
    }
  }

  @Test
  void aClientAssertionRefusedWhileRedisIsDownSaysWhenToComeBackAndPassesOnceRedisIsBack() throws Exception {
    String assertion = assertion();
    redis.kill();
    HttpResponse<String> down = cluster.send(token(0, assertion));
    assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
    assertThat(new JsonObject(down.body()).getString("error")).isEqualTo("temporarily_unavailable");
    assertThat(down.headers().firstValue("retry-after")).as("a 503 says when to come back").isPresent();
    assertThat(down.body()).doesNotContain("Exception").doesNotContain("at dev.");
    redis.restart();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    HttpResponse<String> back;
    do {
      back = cluster.send(token(1, assertion));
    } while (back.statusCode() == 503 && System.nanoTime() < deadline && ScaleOutFaultsTest.sleep(100));
    assertThat(back.statusCode()).as("the same assertion, never claimed: %s", back.body()).isEqualTo(200);
  }

  /** The call's 503, and what its audit record says the reason was; the public answer must not carry that reason. */
  void assertThe503KeepsTheReasonToTheAuditRecord(HttpResponse<String> answer) throws Exception {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
    assertThat(answer.headers().firstValue("retry-after")).hasValue("1");
    JsonObject problem = new JsonObject(answer.body());
    assertThat(problem.getString("code")).isEqualTo("shared_state_unavailable");
    String requestId = problem.getString("request_id");
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (cluster.auditLog.find(requestId).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    String trace = cluster.auditLog.find(requestId).orElseThrow().trace().toString();
    int at = trace.indexOf("shared state is unavailable (");
    assertThat(at).as("the audit record keeps the reason: %s", trace).isNotNegative();
    String reason = trace.substring(at + "shared state is unavailable (".length(), trace.indexOf(')', at));
    // Where Redis is and what it said are for the operator, not for whoever calls.
    assertThat(answer.body()).doesNotContain(reason).doesNotContain("Exception");
  }

  @Test
  void a503ForAnUnreachableRedisTellsTheCallerNothingAboutRedis() throws Exception {
    redis.kill();
    assertThe503KeepsTheReasonToTheAuditRecord(cluster.send(hook(0, "msg_down", System.currentTimeMillis() / 1000)));
  }

  @Test
  void a503ForARedisOutOfMemoryTellsTheCallerNothingAboutRedis() throws Exception {
    redis.command("CONFIG", "SET", "maxmemory", "1"); // full: every write refused (noeviction, the documented setting)
    assertThe503KeepsTheReasonToTheAuditRecord(cluster.send(hook(0, "msg_full", System.currentTimeMillis() / 1000)));
  }

  @Test
  void aWebhookAnswered503WhileRedisIsFrozenPassesWhenTheSenderRetriesOnTheOtherInstance() throws Exception {
    // Warm: the quota script is cached in Redis; nothing else ever ran there.
    assertThat(cluster.send(hook(0, "msg_warm", System.currentTimeMillis() / 1000)).statusCode()).isEqualTo(200);
    long ts = System.currentTimeMillis() / 1000;
    redis.freeze();
    HttpResponse<String> frozen;
    try {
      frozen = cluster.send(hook(0, "msg_frozen", ts));
      Thread.sleep(400); // Redis stays frozen a little longer than the release's own timeout
    } finally {
      redis.thaw();
    }
    assertThat(frozen.statusCode()).as(frozen.body()).isEqualTo(503);
    assertThat(new JsonObject(frozen.body()).getString("code")).isEqualTo("shared_state_unavailable");
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    HttpResponse<String> retry;
    do {
      retry = cluster.send(hook(1, "msg_frozen", ts)); // the sender's retry, byte for byte
    } while (retry.statusCode() != 200 && System.nanoTime() < deadline && ScaleOutFaultsTest.sleep(100));
    assertThat(retry.statusCode()).as("the retry of a message answered 503 is not a replay: %s", retry.body()).isEqualTo(200);
    HttpResponse<String> replay = cluster.send(hook(0, "msg_frozen", ts));
    assertThat(replay.statusCode()).as("and once accepted it is used").isEqualTo(401);
  }
}
