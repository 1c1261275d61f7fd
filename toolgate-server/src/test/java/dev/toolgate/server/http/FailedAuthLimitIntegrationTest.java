package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.ClientRecord;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The failed-authentication limit over real HTTP: past its budget an address's failures are
 * answered 429, while a call whose credentials verify is never refused for them, and a throttled
 * address cannot make Toolgate fetch a trusted issuer's keys. Both gateways trust 127.0.0.1, so each
 * test picks its client address with {@code X-Forwarded-For}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailedAuthLimitIntegrationTest {
  static final String ISSUER = "https://idp.example.test";
  static final String KEY_TOOL = """
        - name: keyonly
          platform: sendbird
          method: GET
          path: /key
          upstream: UPSTREAM
          policy: { require: [api_key] }
      """;
  static final String TRUSTED_PROXY = "  trusted_proxies: [127.0.0.1]\n";

  final Vertx vertx = Vertx.vertx();
  final List<ECKey> published = new CopyOnWriteArrayList<>();
  final AtomicInteger jwksFetches = new AtomicInteger();
  final AtomicInteger addresses = new AtomicInteger();
  HttpServer idp;
  ECKey k1;
  GatewayHarness limited;
  GatewayHarness off;
  ClientRecord client;
  String key;
  String offKey;

  @BeforeAll
  void start() throws Exception {
    k1 = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    published.add(k1);
    idp = vertx.createHttpServer().requestHandler(req -> {
      jwksFetches.incrementAndGet();
      req.response().putHeader("content-type", "application/json")
          .end(new JWKSet(published.stream().map(k -> (JWK) k.toPublicJWK()).toList()).toString());
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    limited = new GatewayHarness(KEY_TOOL + """
          - name: ext
            method: GET
            path: /ext
            upstream: UPSTREAM
            policy:
              require: [external_jwt]
              external_jwt: { issuer: corp }
        failed_auth_limit: { limit: 20, period: 1h }
        trusted_issuers:
          corp:
            issuer: %s
            jwks_uri: http://127.0.0.1:%d/certs
            audiences: [toolgate-tools]
            algorithms: [ES256]
            jwks_min_refresh_interval: 1s
        """.formatted(ISSUER, idp.actualPort()), "2s", TRUSTED_PROXY, "");
    client = limited.admin.createClient("tenant-a", "sendbird");
    key = limited.admin.createApiKey(client.id(), Set.of("*"), null).plaintext();
    limited.start();

    off = new GatewayHarness(KEY_TOOL + "failed_auth_limit: off\n", "2s", TRUSTED_PROXY, "");
    offKey = off.admin.createApiKey(off.admin.createClient("tenant-b", "sendbird").id(), Set.of("*"), null).plaintext();
    off.start();
  }

  @AfterAll
  void stop() {
    if (limited != null) {
      limited.close();
    }
    if (off != null) {
      off.close();
    }
    vertx.close();
  }

  @Test
  void twentyFiveBadKeysThenAGoodOneFromTheSameAddress() throws Exception {
    String ip = "203.0.113.10";
    int before = limited.upstream.hits.get();
    HttpResponse<String> throttled = null;
    for (int i = 1; i <= 25; i++) {
      HttpResponse<String> bad = keyCall(limited, ip, "tgk_wrong-" + i);
      if (i <= 20) {
        assertThat(bad.statusCode()).as("failure %d: %s", i, bad.body()).isEqualTo(401);
      } else {
        assertProblem(bad, 429, "rate_limited");
        assertThat(Long.parseLong(bad.headers().firstValue("retry-after").orElseThrow())).as("one failure back every 3 min").isBetween(1L, 180L);
        assertThat(bad.headers().firstValue("ratelimit-limit")).hasValue("20");
        assertThat(bad.headers().firstValue("ratelimit-remaining")).hasValue("0");
        assertThat(bad.headers().firstValue("www-authenticate")).isEmpty();
        assertThat(new JsonObject(bad.body()).getString("detail")).contains("too many failed authentications from " + ip);
        throttled = bad;
      }
    }
    assertThat(limited.upstream.hits.get()).as("no bad key reached the upstream").isEqualTo(before);

    HttpResponse<String> good = keyCall(limited, ip, key);
    assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
    assertThat(limited.upstream.hits.get()).as("the good key's call reached the upstream").isEqualTo(before + 1);
    assertThat(limited.upstream.lastHeaders.get("x-toolgate-client")).isEqualTo(client.id());
    assertProblem(keyCall(limited, ip, "tgk_wrong-26"), 429, "rate_limited");

    limited.gateway.flushAudit();
    AuditEvent e = limited.auditLog.find(throttled.headers().firstValue("x-request-id").orElseThrow()).orElseThrow();
    assertThat(e.remoteAddress()).isEqualTo(ip);
    assertThat(e.trace()).extracting(c -> c.name() + "=" + c.passed()).contains("api_key=false", "failed_auth_limit=false");
  }

  @Test
  void withTheLimitOffFailuresStay401() throws Exception {
    String ip = "203.0.113.20";
    for (int i = 0; i < 60; i++) {
      HttpResponse<String> bad = keyCall(off, ip, "tgk_wrong-" + i);
      assertThat(bad.statusCode()).as("failure %d: %s", i, bad.body()).isEqualTo(401);
    }
    assertThat(keyCall(off, ip, offKey).statusCode()).isEqualTo(200);
  }

  @Test
  void aThrottledAddressCannotMakeToolgateFetchAnIssuersKeys() throws Exception {
    String ip = "203.0.113.30";
    assertThat(LimitsIntegrationTest.eventually(() -> extCall(freshAddress(), token(k1)).statusCode(), 200))
        .as("the issuer's keys are loaded").isTrue();
    for (int i = 0; i < 20; i++) {
      assertThat(extCall(ip, "not-a-jwt-" + i).statusCode()).isEqualTo(401); // no kid: nothing to fetch
    }
    int fetches = jwksFetches.get();
    long since = System.nanoTime();
    // Over twice the issuer's minimum refresh interval (1 s): an address within its budget would get a fetch.
    int i = 0;
    while (System.nanoTime() - since < Duration.ofMillis(2500).toNanos()) {
      ECKey unknown = new ECKeyGenerator(Curve.P_256).keyID("unknown-" + i++).generate();
      assertProblem(extCall(ip, token(unknown)), 429, "rate_limited");
    }
    assertThat(jwksFetches.get()).as("no JWKS fetch for a throttled address").isEqualTo(fetches);

    assertThat(extCall(ip, token(k1)).statusCode()).as("a valid token from the throttled address").isEqualTo(200);
    ECKey k2 = new ECKeyGenerator(Curve.P_256).keyID("k2").generate();
    published.add(k2);
    assertThat(LimitsIntegrationTest.eventually(() -> extCall(freshAddress(), token(k2)).statusCode(), 200))
        .as("another address still brings a new key in").isTrue();
    assertThat(jwksFetches.get()).isGreaterThan(fetches);
  }

  /** An address no call came from yet: polling from one address would spend its failure budget. */
  private String freshAddress() {
    return "2001:db8::" + Integer.toHexString(addresses.incrementAndGet());
  }

  private static HttpResponse<String> keyCall(GatewayHarness h, String ip, String apiKey) throws Exception {
    return h.send(h.get("/key").header("x-forwarded-for", ip).header("api-key", apiKey));
  }

  private HttpResponse<String> extCall(String ip, String token) throws Exception {
    return limited.send(limited.get("/ext").header("x-forwarded-for", ip).header("authorization", "Bearer " + token));
  }

  private static String token(ECKey key) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
        new JWTClaimsSet.Builder().issuer(ISSUER).subject("employee-7").audience("toolgate-tools").jwtID(UUID.randomUUID().toString())
            .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  private static void assertProblem(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(new JsonObject(r.body()).getString("code")).isEqualTo(code);
  }
}
