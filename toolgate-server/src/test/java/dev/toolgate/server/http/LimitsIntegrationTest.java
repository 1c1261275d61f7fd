package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.users.PasswordHasher;
import dev.toolgate.server.users.UserStore;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * IP allowlists, trusted proxies, rate limits and the failed-authentication limit, over real HTTP.
 * {@code direct} trusts no proxy (every call comes from 127.0.0.1, whatever headers say);
 * {@code proxied} trusts 127.0.0.1, so tests pick the client IP with {@code X-Forwarded-For}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitsIntegrationTest {
  static final String DIRECT_PLATFORMS = """
        locked:
          allowed_ips: [10.9.0.0/16]
        loopback:
          allowed_ips: [127.0.0.0/8]
      """;
  static final String DIRECT_TOOLS = """
        - name: loop_only
          method: GET
          path: /loop
          upstream: UPSTREAM
          allowed_ips: [127.0.0.0/8, "::1"]
          policy: { anonymous: true }
        - name: ten_only
          method: GET
          path: /ten
          upstream: UPSTREAM
          allowed_ips: [10.0.0.0/8]
          policy: { anonymous: true }
        - name: locked_tool
          platform: locked
          method: GET
          path: /locked
          upstream: UPSTREAM
          policy: { anonymous: true }
        - name: platform_ok_tool_not
          platform: loopback
          method: GET
          path: /both-deny
          upstream: UPSTREAM
          allowed_ips: [10.0.0.0/8]
          policy: { anonymous: true }
        - name: platform_ok_tool_ok
          platform: loopback
          method: GET
          path: /both-ok
          upstream: UPSTREAM
          allowed_ips: [127.0.0.1]
          policy: { anonymous: true }
        - name: per_client
          platform: sendbird
          method: GET
          path: /per-client
          upstream: UPSTREAM
          policy: { require: [api_key] }
          rate_limits:
            - { per: client, limit: 2, period: 2s }
        - name: per_user
          method: POST
          path: /per-user
          upstream: UPSTREAM
          policy:
            require: [user_token]
            user_token: { header: customer-auth, scheme: JWT }
          rate_limits:
            - { per: user, limit: 2, period: 2s }
      authorization_server:
        password_hash: { memory_kib: 8192, iterations: 1, parallelism: 1 }
      """;
  static final String PROXIED_TOOLS = """
        - name: ten_only
          method: GET
          path: /ten
          upstream: UPSTREAM
          allowed_ips: [10.0.0.0/8]
          policy: { anonymous: true }
        - name: v6_only
          method: GET
          path: /v6
          upstream: UPSTREAM
          allowed_ips: ["2001:db8::/32"]
          policy: { anonymous: true }
        - name: per_ip
          method: GET
          path: /per-ip
          upstream: UPSTREAM
          policy: { anonymous: true }
          rate_limits:
            - { per: ip, limit: 2, period: 2s }
        - name: keyonly
          platform: sendbird
          method: GET
          path: /key
          upstream: UPSTREAM
          policy: { require: [api_key] }
      failed_auth_limit: { limit: 3, period: 2s }
      """;

  GatewayHarness direct;
  GatewayHarness proxied;
  String keyA;
  String keyB;
  String proxiedKey;
  String jwtAda;
  String jwtBob;

  @BeforeAll
  void start() throws Exception {
    direct = new GatewayHarness(DIRECT_TOOLS, "1s", "", DIRECT_PLATFORMS);
    ClientRecord a = direct.admin.createClient("client-a", "sendbird");
    ClientRecord b = direct.admin.createClient("client-b", "sendbird");
    keyA = direct.admin.createApiKey(a.id(), Set.of("*"), null).plaintext();
    keyB = direct.admin.createApiKey(b.id(), Set.of("*"), null).plaintext();
    PasswordHasher hasher = new PasswordHasher(new PasswordHasher.Parameters(8192, 1, 1));
    UserStore users = new UserStore(direct.adminDb);
    users.createUser("ada", hasher.hash("ada password 1"));
    users.createUser("bob", hasher.hash("bob password 2"));
    direct.start();
    jwtAda = login("ada", "ada+password+1");
    jwtBob = login("bob", "bob+password+2");

    proxied = new GatewayHarness(PROXIED_TOOLS, "1s", "  trusted_proxies: [127.0.0.1]\n", "");
    ClientRecord c = proxied.admin.createClient("client-c", "sendbird");
    proxiedKey = proxied.admin.createApiKey(c.id(), Set.of("*"), null).plaintext();
    proxied.start();
  }

  @AfterAll
  void stop() {
    if (direct != null) {
      direct.close();
    }
    if (proxied != null) {
      proxied.close();
    }
  }

  private String login(String user, String formPassword) throws Exception {
    HttpResponse<String> r = direct.send(HttpRequest.newBuilder(URI.create(direct.base() + "/auth/customer_authenticate"))
        .POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&password=" + formPassword, StandardCharsets.UTF_8))
        .header("content-type", "application/x-www-form-urlencoded"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getString("JWT");
  }

  // ------------------------------------------------------------------ allowlists, no trusted proxy

  @Test
  void toolAllowlistAllowsThePeerAndIgnoresASpoofedForwardedFor() throws Exception {
    HttpResponse<String> r = direct.send(direct.get("/loop").header("x-forwarded-for", "10.1.2.3"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(direct.upstream.lastHeaders.get("x-forwarded-for")).as("the real peer goes upstream").isEqualTo("127.0.0.1");
    direct.gateway.flushAudit();
    assertThat(audit(direct, r).remoteAddress()).isEqualTo("127.0.0.1");
  }

  @Test
  void toolAllowlistDeniesAndASpoofedHeaderChangesNothing() throws Exception {
    for (String[] header : new String[][] {{"x-request-spoof", "none"}, {"x-forwarded-for", "10.1.2.3"}, {"forwarded", "for=10.1.2.3"}}) {
      int before = direct.upstream.hits.get();
      HttpResponse<String> r = direct.send(direct.get("/ten").header(header[0], header[1]));
      assertProblem(r, 403, "ip_not_allowed");
      assertThat(new JsonObject(r.body()).getString("detail")).contains("127.0.0.1").contains("allowed_ips of tool ten_only");
      assertThat(direct.upstream.hits.get()).as("upstream not reached").isEqualTo(before);
    }
  }

  @Test
  void platformAllowlistDenies() throws Exception {
    int before = direct.upstream.hits.get();
    HttpResponse<String> r = direct.send(direct.get("/locked").header("x-forwarded-for", "10.9.1.1"));
    assertProblem(r, 403, "ip_not_allowed");
    assertThat(new JsonObject(r.body()).getString("detail")).contains("allowed_ips of platform locked");
    assertThat(direct.upstream.hits.get()).isEqualTo(before);
    direct.gateway.flushAudit();
    AuditEvent e = audit(direct, r);
    assertThat(e.trace()).anySatisfy(c -> {
      assertThat(c.name()).isEqualTo("allowed_ips");
      assertThat(c.passed()).isFalse();
      assertThat(c.detail()).contains("platform locked");
    });
  }

  @Test
  void bothListsMustPass() throws Exception {
    HttpResponse<String> denied = direct.send(direct.get("/both-deny"));
    assertProblem(denied, 403, "ip_not_allowed");
    assertThat(new JsonObject(denied.body()).getString("detail")).contains("allowed_ips of tool platform_ok_tool_not");
    assertThat(direct.send(direct.get("/both-ok")).statusCode()).isEqualTo(200);
  }

  // ------------------------------------------------------------------ trusted proxy

  @Test
  void aTrustedProxysForwardedForIsTheClient() throws Exception {
    assertProblem(proxied.send(proxied.get("/ten")), 403, "ip_not_allowed");
    HttpResponse<String> r = proxied.send(proxied.get("/ten").header("x-forwarded-for", "10.1.2.3"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(proxied.upstream.lastHeaders.get("x-forwarded-for")).isEqualTo("10.1.2.3");
    proxied.gateway.flushAudit();
    assertThat(audit(proxied, r).remoteAddress()).isEqualTo("10.1.2.3");

    // Only the configured header (X-Forwarded-For) counts: Forwarded from the same proxy changes nothing.
    assertProblem(proxied.send(proxied.get("/ten").header("forwarded", "for=10.4.4.4;proto=https")), 403, "ip_not_allowed");
    // The entry the proxy wrote (the rightmost) is the client: a spoofed 10.x to its left changes nothing.
    assertProblem(proxied.send(proxied.get("/ten").header("x-forwarded-for", "10.1.2.3, 192.0.2.9")), 403, "ip_not_allowed");
  }

  @Test
  void ipv6Allowlist() throws Exception {
    assertThat(proxied.send(proxied.get("/v6").header("x-forwarded-for", "2001:db8::7")).statusCode()).isEqualTo(200);
    assertProblem(proxied.send(proxied.get("/v6").header("forwarded", "for=\"[2001:db8::8]:4711\"")), 403, "ip_not_allowed");
    assertProblem(proxied.send(proxied.get("/v6").header("x-forwarded-for", "2001:db9::1")), 403, "ip_not_allowed");
    assertProblem(proxied.send(proxied.get("/v6")), 403, "ip_not_allowed");
  }

  // ------------------------------------------------------------------ rate limits

  @Test
  void perClientLimitRefusesWithHeadersThenRecovers() throws Exception {
    HttpResponse<String> first = direct.send(direct.get("/per-client").header("api-key", keyA));
    HttpResponse<String> second = direct.send(direct.get("/per-client").header("api-key", keyA));
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("ratelimit-limit")).hasValue("2");
    assertThat(first.headers().firstValue("ratelimit-remaining")).hasValue("1");
    assertThat(first.headers().firstValue("ratelimit-reset")).isPresent();
    assertThat(second.headers().firstValue("ratelimit-remaining")).hasValue("0");

    int before = direct.upstream.hits.get();
    HttpResponse<String> refused = direct.send(direct.get("/per-client").header("api-key", keyA));
    assertProblem(refused, 429, "rate_limited");
    assertRateLimitHeaders(refused, "2");
    assertThat(direct.upstream.hits.get()).as("upstream not reached").isEqualTo(before);

    assertThat(direct.send(direct.get("/per-client").header("api-key", keyB)).statusCode()).as("another client has its own bucket").isEqualTo(200);
    assertThat(eventually(() -> direct.send(direct.get("/per-client").header("api-key", keyA)).statusCode(), 200)).as("refilled").isTrue();
  }

  @Test
  void perUserLimit() throws Exception {
    for (int i = 0; i < 2; i++) {
      assertThat(userCall(jwtAda).statusCode()).isEqualTo(200);
    }
    int before = direct.upstream.hits.get();
    HttpResponse<String> refused = userCall(jwtAda);
    assertProblem(refused, 429, "rate_limited");
    assertRateLimitHeaders(refused, "2");
    assertThat(direct.upstream.hits.get()).isEqualTo(before);
    assertThat(userCall(jwtBob).statusCode()).as("another user has its own bucket").isEqualTo(200);
    assertThat(eventually(() -> userCall(jwtAda).statusCode(), 200)).as("refilled").isTrue();
  }

  private HttpResponse<String> userCall(String jwt) throws Exception {
    return direct.send(direct.post("/per-user", "{}").header("customer-auth", "JWT " + jwt));
  }

  @Test
  void perIpLimit() throws Exception {
    for (int i = 0; i < 2; i++) {
      assertThat(proxied.send(proxied.get("/per-ip").header("x-forwarded-for", "203.0.113.1")).statusCode()).isEqualTo(200);
    }
    int before = proxied.upstream.hits.get();
    HttpResponse<String> refused = proxied.send(proxied.get("/per-ip").header("x-forwarded-for", "203.0.113.1"));
    assertProblem(refused, 429, "rate_limited");
    assertRateLimitHeaders(refused, "2");
    assertThat(proxied.upstream.hits.get()).isEqualTo(before);
    assertThat(proxied.send(proxied.get("/per-ip").header("x-forwarded-for", "203.0.113.2")).statusCode())
        .as("another IP has its own bucket").isEqualTo(200);
    assertThat(eventually(() -> proxied.send(proxied.get("/per-ip").header("x-forwarded-for", "203.0.113.1")).statusCode(), 200)).isTrue();
  }

  @Test
  void failuresOverTheAddressBudgetAre429UntilRefillWhileAGoodKeyPasses() throws Exception {
    String ip = "198.51.100.7";
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> bad = proxied.send(proxied.get("/key").header("x-forwarded-for", ip).header("api-key", "tgk_wrong" + i));
      assertThat(bad.statusCode()).as(bad.body()).isEqualTo(401);
    }
    HttpResponse<String> throttled = proxied.send(proxied.get("/key").header("x-forwarded-for", ip).header("api-key", "tgk_wrong3"));
    assertProblem(throttled, 429, "rate_limited");
    assertRateLimitHeaders(throttled, "3");
    int before = proxied.upstream.hits.get();
    assertThat(proxied.send(proxied.get("/key").header("x-forwarded-for", ip).header("api-key", proxiedKey)).statusCode())
        .as("valid credentials are never refused for failures from the same address").isEqualTo(200);
    assertThat(proxied.upstream.hits.get()).isEqualTo(before + 1);
    proxied.gateway.flushAudit();
    assertThat(audit(proxied, throttled).trace()).anySatisfy(c -> assertThat(c.name()).isEqualTo("failed_auth_limit"));
    assertThat(eventually(() -> proxied.send(proxied.get("/key").header("x-forwarded-for", ip).header("api-key", "tgk_wrong4")).statusCode(), 401))
        .as("refilled: a failure is a plain 401 again").isTrue();
  }

  // ------------------------------------------------------------------ helpers

  private static void assertProblem(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(new JsonObject(r.body()).getString("code")).isEqualTo(code);
  }

  private static void assertRateLimitHeaders(HttpResponse<String> r, String limit) {
    long retryAfter = Long.parseLong(r.headers().firstValue("retry-after").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 2L);
    assertThat(r.headers().firstValue("ratelimit-limit")).hasValue(limit);
    assertThat(r.headers().firstValue("ratelimit-remaining")).hasValue("0");
    assertThat(Long.parseLong(r.headers().firstValue("ratelimit-reset").orElseThrow())).isBetween(1L, 2L);
  }

  private static AuditEvent audit(GatewayHarness h, HttpResponse<String> response) {
    String id = response.headers().firstValue("x-request-id").orElseThrow();
    return h.auditLog.find(id).orElseThrow(() -> new AssertionError("no audit record for " + id));
  }

  interface StatusCall {
    int status() throws Exception;
  }

  /** Polls until the call answers {@code expected} (a bucket of 2 per 2 s refills a token within a second). */
  static boolean eventually(StatusCall call, int expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (call.status() == expected) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }
}
