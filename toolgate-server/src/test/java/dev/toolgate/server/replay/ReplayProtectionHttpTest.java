package dev.toolgate.server.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.credential.SendbirdSignatureVerifier;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.http.HarnessAccess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replay protection over real HTTP: status, problem code, and that the upstream was not reached.
 */
class ReplayProtectionHttpTest {
  static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("a 32-byte symmetric secret key!!".getBytes(StandardCharsets.UTF_8));
  static final String STRIPE_SECRET = "whsec_stripe_http_test_secret_0123456789";
  static final String BODY = "{\"order_id\":\"A-1001\"}";

  HarnessAccess h;
  ClientRecord client;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() throws Exception {
    h = HarnessAccess.create("""
          - name: order_events
            method: POST
            path: /hooks/orders
            upstream: UPSTREAM
            platform: sendbird
            policy: {require: [standard_webhooks]}
          - name: payments
            method: POST
            path: /hooks/payments
            upstream: UPSTREAM
            platform: sendbird
            policy: {require: [stripe_signature]}
        """);
    client = h.admin().createClient("hooks", "sendbird");
    h.admin().addSigningSecret(client.id(), SECRET.getBytes(StandardCharsets.UTF_8), null);
    h.admin().addSigningSecret(client.id(), STRIPE_SECRET.getBytes(StandardCharsets.UTF_8), null);
    h.start();
  }

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  static long now() {
    return System.currentTimeMillis() / 1000;
  }

  static String v1(String id, long ts, String body) {
    byte[] key = Base64.getDecoder().decode(SECRET.substring("whsec_".length()));
    return "v1," + Base64.getEncoder().encodeToString(SendbirdSignatureVerifier.hmac(key, (id + "." + ts + "." + body).getBytes(StandardCharsets.UTF_8)));
  }

  static String stripe(long ts, String body) {
    return "t=" + ts + ",v1=" + HexFormat.of().formatHex(SendbirdSignatureVerifier.hmac(STRIPE_SECRET.getBytes(StandardCharsets.UTF_8),
        (ts + "." + body).getBytes(StandardCharsets.UTF_8)));
  }

  HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.base() + path)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).header("content-type", "application/json");
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  HttpResponse<String> webhook(String id, long ts, String signature, String body) throws Exception {
    return post("/hooks/orders", body, "webhook-id", id, "webhook-timestamp", Long.toString(ts), "webhook-signature", signature);
  }

  static void assertProblem(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(r.body()).contains("\"code\":\"" + code + "\"");
  }

  @Test
  void aWebhookPassesOnceAndItsReplayNeverReachesTheUpstream() throws Exception {
    long ts = now();
    HttpResponse<String> first = webhook("msg_http_1", ts, v1("msg_http_1", ts, BODY), BODY);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(h.upstreamHits()).isEqualTo(1);
    assertThat(h.lastUpstreamHeader("x-toolgate-client")).isEqualTo(client.id());
    assertThat(h.lastUpstreamHeader("webhook-signature")).as("the credential is stripped").isNull();

    HttpResponse<String> replay = webhook("msg_http_1", ts, v1("msg_http_1", ts, BODY), BODY);
    assertProblem(replay, 401, "replayed");
    assertThat(replay.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("StandardWebhooks"));
    assertThat(h.upstreamHits()).isEqualTo(1);
  }

  @Test
  void oldAndFutureTimestampsAreRefused() throws Exception {
    long old = now() - 400;
    assertProblem(webhook("msg_http_old", old, v1("msg_http_old", old, BODY), BODY), 401, "timestamp_out_of_window");
    long future = now() + 400;
    assertProblem(webhook("msg_http_future", future, v1("msg_http_future", future, BODY), BODY), 401, "timestamp_out_of_window");
    assertThat(h.upstreamHits()).isZero();
  }

  @Test
  void severalSignaturesWithOneValid() throws Exception {
    long ts = now();
    String header = "v1," + Base64.getEncoder().encodeToString(new byte[32]) + " v2,ignored " + v1("msg_http_2", ts, BODY);
    assertThat(webhook("msg_http_2", ts, header, BODY).statusCode()).isEqualTo(200);
  }

  @Test
  void missingOrForgedSignatures() throws Exception {
    assertProblem(post("/hooks/orders", BODY, "webhook-id", "msg_http_3"), 401, "signature_missing");
    long ts = now();
    assertProblem(webhook("msg_http_3", ts, v1("msg_http_3", ts, BODY), BODY + " "), 401, "signature_invalid");
    assertThat(h.upstreamHits()).isZero();
  }

  @Test
  void aStripeSignedCallPassesOnce() throws Exception {
    long ts = now();
    HttpResponse<String> first = post("/hooks/payments", BODY, "Stripe-Signature", stripe(ts, BODY));
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(h.lastUpstreamHeader("stripe-signature")).as("the credential is stripped").isNull();
    assertProblem(post("/hooks/payments", BODY, "Stripe-Signature", stripe(ts, BODY)), 401, "replayed");
    long old = now() - 301 - 5;
    assertProblem(post("/hooks/payments", BODY, "Stripe-Signature", stripe(old, BODY)), 401, "timestamp_out_of_window");
    assertThat(h.upstreamHits()).isEqualTo(1);
  }
}
