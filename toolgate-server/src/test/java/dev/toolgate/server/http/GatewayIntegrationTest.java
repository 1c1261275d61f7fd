package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.credential.SendbirdSignatureVerifier;
import dev.toolgate.core.port.ApiKey;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.port.StaticToken;
import dev.toolgate.server.store.AuditQuery;
import dev.toolgate.server.store.IssuedSecret;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The gateway end to end over real HTTP: every credential kind, its hostile variants, and forwarding. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayIntegrationTest {
  static final String TOOLS = """
        - name: signed
          platform: sendbird
          method: POST
          path: /signed
          upstream: UPSTREAM
          policy: { require: [sendbird_signature] }
        - name: token
          platform: sendbird
          method: GET
          path: /users/{user_id}/profile
          upstream: UPSTREAM/profile/{user_id}
          policy: { require: [static_token] }
        - name: keyonly
          platform: sendbird
          method: GET
          path: /key
          upstream: UPSTREAM
          policy: { require: [api_key] }
        - name: combo
          platform: sendbird
          method: POST
          path: /combo
          upstream: UPSTREAM
          policy: { require: [sendbird_signature, api_key] }
        - name: asapp_only
          platform: asapp
          method: GET
          path: /asapp
          upstream: UPSTREAM
          policy: { require: [static_token] }
        - name: anon
          method: GET
          path: /anon
          upstream: UPSTREAM
          policy: { anonymous: true }
        - name: slow
          method: GET
          path: /slow
          upstream: UPSTREAM
          policy: { anonymous: true }
        - name: dead
          method: GET
          path: /dead
          upstream: http://127.0.0.1:1
          policy: { anonymous: true }
        - name: upload
          platform: sendbird
          method: POST
          path: /upload/**
          upstream: UPSTREAM
          policy: { require: [api_key] }
        """;
  static final String MASTER_TOKEN = "api-token-123";
  static final String VECTOR_BODY = "{\"tool\":\"lookup_order\",\"args\":{\"id\":\"A-1\"}}";
  static final String VECTOR_SIGNATURE = "84fbd3d10478496e8de1148660262851b60a2979231baf240cbeddbcbff57439";

  GatewayHarness h;
  ClientRecord sendbird;
  ClientRecord other;
  SigningSecret vectorSecret;
  String token;
  StaticToken tokenRecord;
  String comboKey;
  String otherClientKey;
  String keyonlyOnlyKey;
  final ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
  PrintStream originalErr;

  @BeforeAll
  void start() throws Exception {
    originalErr = System.err;
    System.setErr(new PrintStream(new TeeStream(originalErr, capturedErr), true));
    h = new GatewayHarness(TOOLS);
    sendbird = h.admin.createClient("sendbird-app", "sendbird");
    other = h.admin.createClient("other-app", "sendbird");
    ClientRecord asapp = h.admin.createClient("asapp-app", "asapp");
    vectorSecret = h.admin.addSigningSecret(sendbird.id(), MASTER_TOKEN.getBytes(StandardCharsets.UTF_8), null);
    IssuedSecret<StaticToken> t = h.admin.createStaticToken(sendbird.id(), null);
    token = t.plaintext();
    tokenRecord = t.record();
    comboKey = h.admin.createApiKey(sendbird.id(), Set.of("combo", "keyonly", "upload"), null).plaintext();
    keyonlyOnlyKey = h.admin.createApiKey(sendbird.id(), Set.of("keyonly"), null).plaintext();
    otherClientKey = h.admin.createApiKey(other.id(), Set.of("*"), null).plaintext();
    h.start();
  }

  @AfterAll
  void stop() {
    h.close();
    System.setErr(originalErr);
  }

  // ---- Sendbird signature ----

  @Test
  void vendorVectorSignatureIsForwardedWithIdentityAndWithoutTheSignature() throws Exception {
    int before = h.upstream.hits.get();
    HttpResponse<String> r = h.send(h.post("/signed", VECTOR_BODY).header("x-sendbird-signature", VECTOR_SIGNATURE));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-upstream")).hasValue("yes");
    assertThat(h.upstream.hits.get()).isEqualTo(before + 1);
    assertThat(h.upstream.lastBody.toString()).isEqualTo(VECTOR_BODY);
    assertThat(h.upstream.lastHeaders.get("x-toolgate-client")).isEqualTo(sendbird.id());
    assertThat(h.upstream.lastHeaders.get("x-toolgate-tool")).isEqualTo("signed");
    assertThat(h.upstream.lastHeaders.get("x-request-id")).startsWith("req_").isEqualTo(r.headers().firstValue("x-request-id").orElseThrow());
    assertThat(h.upstream.lastHeaders.contains("x-sendbird-signature")).isFalse();
  }

  @Test
  void signatureHostileVariantsAreRefusedAndNeverReachUpstream() throws Exception {
    String upper = VECTOR_SIGNATURE.toUpperCase();
    String base64 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(VECTOR_SIGNATURE));
    assertDenied(h.post("/signed", VECTOR_BODY), 401, "signature_missing");
    assertDenied(h.post("/signed", VECTOR_BODY).header("x-sendbird-signature", ""), 401, "signature_missing");
    assertDenied(h.post("/signed", VECTOR_BODY).header("x-sendbird-signature", VECTOR_SIGNATURE).header("x-sendbird-signature", VECTOR_SIGNATURE), 401, "signature_invalid");
    assertDenied(h.post("/signed", VECTOR_BODY).header("x-sendbird-signature", VECTOR_SIGNATURE.substring(0, 63)), 401, "signature_invalid");
    assertDenied(h.post("/signed", VECTOR_BODY).header("x-sendbird-signature", VECTOR_SIGNATURE.substring(0, 62) + "zz"), 401, "signature_invalid");
    assertDenied(h.post("/signed", VECTOR_BODY).header("x-sendbird-signature", upper), 401, "signature_invalid");
    assertDenied(h.post("/signed", VECTOR_BODY).header("x-sendbird-signature", base64), 401, "signature_invalid");
    assertDenied(h.post("/signed", VECTOR_BODY.replace("A-1", "A-2")).header("x-sendbird-signature", VECTOR_SIGNATURE), 401, "signature_invalid");
    String reserialised = new JsonObject(VECTOR_BODY).encodePrettily();
    assertDenied(h.post("/signed", reserialised).header("x-sendbird-signature", VECTOR_SIGNATURE), 401, "signature_invalid");
    String reordered = "{\"args\":{\"id\":\"A-1\"},\"tool\":\"lookup_order\"}";
    assertDenied(h.post("/signed", reordered).header("x-sendbird-signature", VECTOR_SIGNATURE), 401, "signature_invalid");
  }

  @Test
  void signatureHeaderNameIsCaseInsensitive() throws Exception {
    String raw = "POST /signed HTTP/1.1\r\nHost: x\r\nX-SendBird-Signature: " + VECTOR_SIGNATURE + "\r\nContent-Length: "
        + VECTOR_BODY.length() + "\r\nConnection: close\r\n\r\n";
    String response = RawHttp.send(h.gateway.port(), raw, VECTOR_BODY.getBytes(StandardCharsets.UTF_8));
    assertThat(RawHttp.status(response)).isEqualTo(200);
  }

  @Test
  void multibyteUtf8BodyIsSignedOverItsExactBytes() throws Exception {
    String body = "{\"q\":\"héllo 你好 🚀\"}";
    String sig = sign(MASTER_TOKEN, body.getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r = h.send(h.post("/signed", body).header("x-sendbird-signature", sig));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(h.upstream.lastBody.getBytes()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
    // The same text in another encoding is other bytes: refused.
    byte[] latin = "{\"q\":\"héllo\"}".getBytes(StandardCharsets.ISO_8859_1);
    String utf8Sig = sign(MASTER_TOKEN, "{\"q\":\"héllo\"}".getBytes(StandardCharsets.UTF_8));
    assertDenied(h.post("/signed", latin).header("x-sendbird-signature", utf8Sig), 401, "signature_invalid");
  }

  @Test
  void bodyOverTheLimitIs413AndNeverReachesUpstream() throws Exception {
    byte[] big = new byte[4097];
    assertDenied(h.post("/signed", big).header("x-sendbird-signature", sign(MASTER_TOKEN, big)), 413, "body_too_large");
    // Chunked (no Content-Length): the limit is enforced while reading.
    String head = "POST /signed HTTP/1.1\r\nHost: x\r\nx-sendbird-signature: " + sign(MASTER_TOKEN, big) + "\r\nTransfer-Encoding: chunked\r\n\r\n";
    String chunked = Integer.toHexString(big.length) + "\r\n" + "a".repeat(big.length) + "\r\n0\r\n\r\n";
    int before = h.upstream.hits.get();
    String response = RawHttp.send(h.gateway.port(), head, chunked.getBytes(StandardCharsets.US_ASCII));
    assertThat(RawHttp.status(response)).isEqualTo(413);
    assertThat(response).contains("\"code\":\"body_too_large\"");
    assertThat(h.upstream.hits.get()).isEqualTo(before);
  }

  @Test
  void streamedBodyOverTheLimitIsCutOff() throws Exception {
    byte[] ok = new byte[4096];
    HttpResponse<String> r = h.send(h.post("/upload/a", ok).header("api-key", comboKey));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("upstream got 4096 bytes");
    String head = "POST /upload/a HTTP/1.1\r\nHost: x\r\napi-key: " + comboKey + "\r\nTransfer-Encoding: chunked\r\n\r\n";
    String chunk = Integer.toHexString(3000) + "\r\n" + "b".repeat(3000) + "\r\n";
    String response = RawHttp.send(h.gateway.port(), head, (chunk + chunk + "0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    assertThat(response).doesNotContain("upstream got 6000 bytes");
  }

  @Test
  void rotationKeepsBothSecretsWorkingAndTheAuditSaysWhichMatched() throws Exception {
    SigningSecret next = h.admin.addSigningSecret(sendbird.id(), "rotated-master-token".getBytes(StandardCharsets.UTF_8), null);
    h.gateway.refreshCredentials();
    String body = "{\"rotation\":true}";
    HttpResponse<String> old = h.send(h.post("/signed", body).header("x-sendbird-signature", sign(MASTER_TOKEN, body.getBytes(StandardCharsets.UTF_8))));
    HttpResponse<String> fresh = h.send(h.post("/signed", body).header("x-sendbird-signature", sign("rotated-master-token", body.getBytes(StandardCharsets.UTF_8))));
    assertThat(old.statusCode()).isEqualTo(200);
    assertThat(fresh.statusCode()).isEqualTo(200);
    h.gateway.flushAudit();
    assertThat(audit(old).credentialIds()).containsExactly(vectorSecret.id());
    assertThat(audit(fresh).credentialIds()).containsExactly(next.id());
    h.admin.revokeSigningSecret(next.id());
    h.gateway.refreshCredentials();
  }

  @Test
  void secretRevokedThroughAnotherConnectionWhileRunningStopsWorkingWithinSeconds() throws Exception {
    SigningSecret temp = h.admin.addSigningSecret(sendbird.id(), "short-lived-token".getBytes(StandardCharsets.UTF_8), null);
    String body = "{\"revoke\":1}";
    String sig = sign("short-lived-token", body.getBytes(StandardCharsets.UTF_8));
    assertThat(eventuallyStatus(() -> h.send(h.post("/signed", body).header("x-sendbird-signature", sig)).statusCode(), 200)).isTrue();
    h.admin.revokeSigningSecret(temp.id()); // no refresh call: the running server must notice on its own
    assertThat(eventuallyStatus(() -> h.send(h.post("/signed", body).header("x-sendbird-signature", sig)).statusCode(), 401)).isTrue();
  }

  // ---- static tokens ----

  @Test
  void staticTokenIsForwardedToTheTemplatedPathWithoutAuthorization() throws Exception {
    HttpResponse<String> r = h.send(h.get("/users/u-42/profile?full=1").header("authorization", "Bearer " + token));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(h.upstream.lastUri).isEqualTo("/profile/u-42?full=1");
    assertThat(h.upstream.lastHeaders.contains("authorization")).isFalse();
    assertThat(h.upstream.lastHeaders.get("x-toolgate-client")).isEqualTo(sendbird.id());
  }

  @Test
  void staticTokenHostileVariants() throws Exception {
    assertDenied(h.get("/users/u/profile"), 401, "token_missing");
    assertDenied(h.get("/users/u/profile").header("authorization", "Bearer " + token.substring(0, token.length() - 1)), 401, "token_invalid");
    assertDenied(h.get("/users/u/profile").header("authorization", "Bearer " + token + "x"), 401, "token_invalid");
    assertDenied(h.get("/users/u/profile").header("authorization", "Basic " + Base64.getEncoder().encodeToString(("x:" + token).getBytes())), 401, "token_invalid");
    assertDenied(h.get("/users/u/profile").header("authorization", "Bearer " + token).header("authorization", "Bearer " + token), 401, "token_invalid");
    assertDenied(h.get("/users/u/profile").header("authorization", token), 401, "token_invalid");
    HttpResponse<String> r = h.send(h.get("/users/u/profile").header("authorization", "Bearer nope"));
    assertThat(r.headers().allValues("www-authenticate")).anyMatch(v -> v.startsWith("Bearer realm=\"toolgate\", error=\"invalid_token\""));
  }

  @Test
  void revokedAndExpiredTokensAreRefusedWithTheirOwnCodes() throws Exception {
    IssuedSecret<StaticToken> doomed = h.admin.createStaticToken(sendbird.id(), null);
    IssuedSecret<StaticToken> shortLived = h.admin.createStaticToken(sendbird.id(), Instant.now().plusSeconds(1));
    h.gateway.refreshCredentials();
    assertThat(h.send(h.get("/users/u/profile").header("authorization", "Bearer " + doomed.plaintext())).statusCode()).isEqualTo(200);
    h.admin.revokeStaticToken(doomed.record().id());
    h.gateway.refreshCredentials();
    assertDenied(h.get("/users/u/profile").header("authorization", "Bearer " + doomed.plaintext()), 401, "token_revoked");
    Thread.sleep(Math.max(0, shortLived.record().expiresAt().toEpochMilli() - System.currentTimeMillis() + 50));
    assertDenied(h.get("/users/u/profile").header("authorization", "Bearer " + shortLived.plaintext()), 401, "token_expired");
  }

  @Test
  void clientOfAnotherPlatformIsNotAllowed() throws Exception {
    assertDenied(h.get("/asapp").header("authorization", "Bearer " + token), 403, "not_allowed");
  }

  @Test
  void disabledClientIsRefused() throws Exception {
    ClientRecord temp = h.admin.createClient("temp-app", "sendbird");
    String tempToken = h.admin.createStaticToken(temp.id(), null).plaintext();
    h.gateway.refreshCredentials();
    assertThat(h.send(h.get("/users/u/profile").header("authorization", "Bearer " + tempToken)).statusCode()).isEqualTo(200);
    h.admin.setClientEnabled(temp.id(), false);
    h.gateway.refreshCredentials();
    assertDenied(h.get("/users/u/profile").header("authorization", "Bearer " + tempToken), 403, "client_disabled");
  }

  // ---- API keys ----

  @Test
  void apiKeyHostileVariants() throws Exception {
    assertThat(h.send(h.get("/key").header("API-KEY", comboKey)).statusCode()).isEqualTo(200);
    assertThat(h.upstream.lastHeaders.contains("api-key")).isFalse();
    assertDenied(h.get("/key"), 401, "api_key_missing");
    assertDenied(h.get("/key").header("api-key", comboKey + "x"), 401, "api_key_invalid");
    assertDenied(h.get("/key").header("api-key", comboKey.substring(1)), 401, "api_key_invalid");
    assertDenied(h.get("/key").header("api-key", comboKey).header("api-key", comboKey), 401, "api_key_invalid");
  }

  // ---- combinations ----

  @Test
  void signatureAndApiKeyMustBothPassAndBelongToOneClient() throws Exception {
    String body = "{\"order_id\":\"A-1001\",\"amount\":25}";
    String sig = sign(MASTER_TOKEN, body.getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> ok = h.send(h.post("/combo", body).header("x-sendbird-signature", sig).header("api-key", comboKey));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(h.upstream.lastHeaders.contains("api-key")).isFalse();
    assertThat(h.upstream.lastHeaders.contains("x-sendbird-signature")).isFalse();
    assertDenied(h.post("/combo", body).header("api-key", comboKey), 401, "signature_missing");
    assertDenied(h.post("/combo", body).header("x-sendbird-signature", sig), 401, "api_key_missing");
    assertDenied(h.post("/combo", body).header("x-sendbird-signature", sig).header("api-key", keyonlyOnlyKey), 403, "not_allowed");
    assertDenied(h.post("/combo", body).header("x-sendbird-signature", sig).header("api-key", otherClientKey), 403, "client_mismatch");
  }

  // ---- routing, forwarding and failures ----

  @Test
  void unknownRoutesWrongMethodsAndBadPaths() throws Exception {
    assertDenied(h.get("/nope"), 404, "route_not_found");
    assertDenied(h.post("/anon", "{}"), 405, "method_not_allowed");
    for (String path : List.of("/anon/../signed", "/anon/%2e%2e/x", "/users/a%2fb/profile", "//anon", "/anon/")) {
      String response = RawHttp.send(h.gateway.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", null);
      assertThat(RawHttp.status(response)).as(path).isIn(400, 404);
    }
  }

  @Test
  void anonymousToolIsForwardedAndSpoofedIdentityHeadersAreDropped() throws Exception {
    HttpResponse<String> r = h.send(h.get("/anon").header("x-toolgate-client", "cl_admin").header("x-request-id", "forged"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(h.upstream.lastHeaders.contains("x-toolgate-client")).isFalse();
    assertThat(h.upstream.lastHeaders.get("x-request-id")).startsWith("req_");
    assertThat(h.upstream.lastHeaders.get("x-forwarded-for")).isEqualTo("127.0.0.1");
  }

  @Test
  void hopByHopHeadersAreNotForwarded() throws Exception {
    String raw = "GET /anon HTTP/1.1\r\nHost: x\r\nConnection: close, x-secret-hop\r\nx-secret-hop: 1\r\nKeep-Alive: timeout=5\r\nx-kept: yes\r\n\r\n";
    String response = RawHttp.send(h.gateway.port(), raw, null);
    assertThat(RawHttp.status(response)).isEqualTo(200);
    assertThat(h.upstream.lastHeaders.contains("x-secret-hop")).isFalse();
    assertThat(h.upstream.lastHeaders.contains("keep-alive")).isFalse();
    assertThat(h.upstream.lastHeaders.get("x-kept")).isEqualTo("yes");
  }

  @Test
  void upstreamTimeoutIs504AndUnreachableIs502() throws Exception {
    assertDenied(h.get("/slow"), 504, "upstream_timeout");
    assertDenied(h.get("/dead"), 502, "upstream_unreachable");
  }

  @Test
  void healthAndReadiness() throws Exception {
    assertThat(h.send(h.get("/healthz")).statusCode()).isEqualTo(200);
    HttpResponse<String> ready = h.send(h.get("/readyz"));
    assertThat(ready.statusCode()).isEqualTo(200);
    // Each dependency on its own; no Redis is configured here, so none is reported.
    assertThat(ready.body()).contains("\"ready\"").contains("\"store\":\"up\"").contains("\"audit\":\"ok\"").doesNotContain("redis");
  }

  // ---- audit and secrecy ----

  @Test
  void everyDecisionIsAuditedWithIdsButNeverSecretValues() throws Exception {
    HttpResponse<String> denied = h.send(h.get("/users/u/profile").header("authorization", "Bearer " + token + "x"));
    HttpResponse<String> allowed = h.send(h.get("/users/u/profile").header("authorization", "Bearer " + token));
    h.gateway.flushAudit();
    AuditEvent d = audit(denied);
    assertThat(d.decision()).isEqualTo("deny");
    assertThat(d.code()).isEqualTo("token_invalid");
    assertThat(d.tool()).isEqualTo("token");
    AuditEvent a = audit(allowed);
    assertThat(a.decision()).isEqualTo("allow");
    assertThat(a.clientId()).isEqualTo(sendbird.id());
    assertThat(a.credentialIds()).containsExactly(tokenRecord.id());
    assertThat(a.status()).isEqualTo(200);
    assertThat(new JsonObject(denied.body()).getString("request_id")).isEqualTo(d.requestId());
  }

  @Test
  void noSecretAppearsInAnyResponseAuditRowOrLogLine() throws Exception {
    List<String> secrets = List.of(token, comboKey, MASTER_TOKEN, VECTOR_SIGNATURE);
    List<String> bodies = new ArrayList<>();
    bodies.add(h.send(h.get("/users/u/profile").header("authorization", "Bearer " + token + "x")).body());
    bodies.add(h.send(h.get("/key").header("api-key", comboKey + "x")).body());
    bodies.add(h.send(h.post("/signed", "{}").header("x-sendbird-signature", VECTOR_SIGNATURE)).body());
    bodies.add(h.send(h.get("/asapp").header("authorization", "Bearer " + token)).body());
    h.gateway.flushAudit();
    StringBuilder auditText = new StringBuilder();
    for (AuditEvent e : h.auditLog.query(new AuditQuery(null, null, null, null, null, null, null, 10_000))) {
      auditText.append(e).append('\n');
    }
    for (String secret : secrets) {
      for (String body : bodies) {
        assertThat(body).doesNotContain(secret);
      }
      assertThat(auditText.toString()).doesNotContain(secret);
      assertThat(capturedErr.toString(StandardCharsets.UTF_8)).doesNotContain(secret);
    }
  }

  // ---- helpers ----

  private void assertDenied(HttpRequest.Builder request, int status, String code) throws Exception {
    int before = h.upstream.hits.get();
    HttpResponse<String> r = h.send(request);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    JsonObject problem = new JsonObject(r.body());
    assertThat(problem.getString("code")).isEqualTo(code);
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("request_id")).startsWith("req_");
    if (status == 401) {
      assertThat(r.headers().allValues("www-authenticate")).isNotEmpty();
    }
    if (status < 500) {
      assertThat(h.upstream.hits.get()).as("upstream must not be reached").isEqualTo(before);
    }
  }

  private AuditEvent audit(HttpResponse<String> response) {
    String id = response.headers().firstValue("x-request-id").orElseThrow();
    return h.auditLog.find(id).orElseThrow(() -> new AssertionError("no audit record for " + id));
  }

  static String sign(String secret, byte[] body) {
    return HexFormat.of().formatHex(SendbirdSignatureVerifier.hmac(secret.getBytes(StandardCharsets.UTF_8), body));
  }

  interface StatusCall {
    int status() throws Exception;
  }

  /** Polls until the status is seen (the server polls the store every second), up to 10 s. */
  static boolean eventuallyStatus(StatusCall call, int expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (call.status() == expected) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  /** Copies stderr to a buffer so the test can check log lines for secrets. */
  static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
