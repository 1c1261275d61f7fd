package dev.toolgate.server.oauth;

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
import dev.toolgate.server.http.HarnessAccess;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Tokens of a trusted external issuer, verified through its JWKS served over real HTTP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExternalJwtIntegrationTest {
  static final String ISSUER = "https://idp.example.test/realms/corp";

  final Vertx vertx = Vertx.vertx();
  final List<ECKey> published = new CopyOnWriteArrayList<>();
  final AtomicInteger jwksFetches = new AtomicInteger();
  final AtomicInteger attackerFetches = new AtomicInteger();
  final AtomicInteger flakyFetches = new AtomicInteger();
  HttpServer flaky;
  java.net.ServerSocket stalling;
  final HttpClient http = HttpClient.newHttpClient();
  HttpServer idp;
  HttpServer attacker;
  ECKey k1;
  HarnessAccess h;

  @BeforeAll
  void start() throws Exception {
    k1 = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    published.add(k1);
    idp = vertx.createHttpServer().requestHandler(req -> {
      jwksFetches.incrementAndGet();
      req.response().putHeader("content-type", "application/json")
          .end(new JWKSet(published.stream().map(k -> (com.nimbusds.jose.jwk.JWK) k.toPublicJWK()).toList()).toString());
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    attacker = vertx.createHttpServer().requestHandler(req -> {
      attackerFetches.incrementAndGet();
      req.response().end("{\"keys\":[]}");
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    flaky = vertx.createHttpServer().requestHandler(req -> {
      flakyFetches.incrementAndGet();
      req.response().setStatusCode(500).end();
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    // Answers headers, then sends the body one byte a second: a fetch that never finishes.
    stalling = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    Thread staller = new Thread(() -> {
      while (!stalling.isClosed()) {
        try {
          java.net.Socket s = stalling.accept();
          new Thread(() -> {
            try (s) {
              s.getInputStream().read(new byte[4096]);
              s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{".getBytes());
              for (int i = 0; i < 60; i++) {
                Thread.sleep(1000);
                s.getOutputStream().write(' ');
              }
            } catch (Exception e) {
              // closed
            }
          }).start();
        } catch (Exception e) {
          // closed
        }
      }
    });
    staller.setDaemon(true);
    staller.start();
    h = HarnessAccess.create("""
          - name: ext
            method: GET
            path: /ext
            upstream: UPSTREAM
            policy:
              require: [external_jwt]
              external_jwt: { issuer: corp, scopes: [tools.read] }
          - name: ext_user
            method: POST
            path: /ext-user
            upstream: UPSTREAM
            policy:
              require: [user_token]
              user_token: { body_field: /context/jwt, issuer: corp, scopes: [tools.read] }
          - name: ext_user_down
            method: POST
            path: /ext-user-down
            upstream: UPSTREAM
            policy:
              require: [user_token]
              user_token: { header: customer-auth, issuer: gone }
          - name: down
            method: GET
            path: /down
            upstream: UPSTREAM
            policy:
              require: [external_jwt]
              external_jwt: { issuer: gone }
          - name: flaky
            method: GET
            path: /flaky
            upstream: UPSTREAM
            policy:
              require: [external_jwt]
              external_jwt: { issuer: flaky }
          - name: stalled
            method: GET
            path: /stalled
            upstream: UPSTREAM
            policy:
              require: [external_jwt]
              external_jwt: { issuer: stalled }
        trusted_issuers:
          flaky:
            issuer: https://flaky.example.test
            jwks_uri: http://127.0.0.1:%d/certs
            audiences: [toolgate-tools]
            algorithms: [ES256]
          stalled:
            issuer: https://stalled.example.test
            jwks_uri: http://127.0.0.1:%d/certs
            audiences: [toolgate-tools]
            algorithms: [ES256]
          corp:
            issuer: %s
            jwks_uri: http://127.0.0.1:%d/protocol/openid-connect/certs
            audiences: [toolgate-tools]
            algorithms: [ES256]
            jwks_min_refresh_interval: 2s
          gone:
            issuer: https://gone.example.test
            jwks_uri: http://127.0.0.1:1/certs
            audiences: [toolgate-tools]
            algorithms: [ES256]
        """.formatted(flaky.actualPort(), stalling.getLocalPort(), ISSUER, idp.actualPort()));
    h.start();
  }

  @AfterAll
  void stop() throws Exception {
    stalling.close();
    h.close();
    vertx.close();
  }

  String token(ECKey key, String issuer, String audience, String scope, Instant exp, String jku) throws Exception {
    JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID());
    if (jku != null) {
      header.jwkURL(URI.create(jku));
    }
    SignedJWT jwt = new SignedJWT(header.build(), new JWTClaimsSet.Builder().issuer(issuer).subject("employee-7").audience(audience)
        .claim("scope", scope).jwtID(UUID.randomUUID().toString()).issueTime(new Date()).expirationTime(Date.from(exp)).build());
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  String good(ECKey key) throws Exception {
    return token(key, ISSUER, "toolgate-tools", "tools.read", Instant.now().plusSeconds(300), null);
  }

  HttpResponse<String> call(String path, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(h.base() + path)).timeout(java.time.Duration.ofSeconds(30))
        .header("authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String code(HttpResponse<String> r) {
    return new JsonObject(r.body()).getString("code");
  }

  @Test
  void aValidTokenOpensTheToolAndTheSubjectIsForwarded() throws Exception {
    HttpResponse<String> r = call("/ext", good(k1));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(h.lastUpstreamHeader("x-toolgate-user")).isEqualTo("employee-7");
    assertThat(h.lastUpstreamHeader("authorization")).isNull();
  }

  HttpResponse<String> userCall(String path, String body, String header) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.base() + path)).timeout(java.time.Duration.ofSeconds(30))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (header != null) {
      b.header("customer-auth", header);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aTrustedIssuersUserTokenInTheBodyIsVerifiedThroughItsJwks() throws Exception {
    HttpResponse<String> r = userCall("/ext-user", "{\"context\":{\"jwt\":\"" + good(k1) + "\"}}", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(h.lastUpstreamHeader("x-toolgate-user")).isEqualTo("employee-7");

    int before = h.upstreamHits();
    ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("k1").generate(); // our kid, someone else's key
    assertThat(code(userCall("/ext-user", "{\"context\":{\"jwt\":\"" + good(stranger) + "\"}}", null))).isEqualTo("user_token_invalid");
    String wrongAudience = token(k1, ISSUER, "someone-else", "tools.read", Instant.now().plusSeconds(300), null);
    assertThat(code(userCall("/ext-user", "{\"context\":{\"jwt\":\"" + wrongAudience + "\"}}", null))).isEqualTo("user_token_invalid");
    String narrow = token(k1, ISSUER, "toolgate-tools", "other", Instant.now().plusSeconds(300), null);
    assertThat(code(userCall("/ext-user", "{\"context\":{\"jwt\":\"" + narrow + "\"}}", null))).isEqualTo("insufficient_scope");
    assertThat(h.upstreamHits()).isEqualTo(before);
  }

  @Test
  void aUserTokenOfAnIssuerWhoseKeysCannotBeFetchedIs503() throws Exception {
    HttpResponse<String> r = userCall("/ext-user-down", "{}", "JWT " + good(k1));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
    assertThat(code(r)).isEqualTo("issuer_unavailable");
  }

  @Test
  void wrongIssuerAudienceExpiryOrScopeIsRefused() throws Exception {
    int before = h.upstreamHits();
    assertThat(code(call("/ext", token(k1, "https://evil.example", "toolgate-tools", "tools.read", Instant.now().plusSeconds(300), null)))).isEqualTo("token_invalid");
    assertThat(code(call("/ext", token(k1, ISSUER, "someone-else", "tools.read", Instant.now().plusSeconds(300), null)))).isEqualTo("token_invalid");
    assertThat(code(call("/ext", token(k1, ISSUER, "toolgate-tools", "tools.read", Instant.now().minusSeconds(600), null)))).isEqualTo("token_expired");
    HttpResponse<String> narrow = call("/ext", token(k1, ISSUER, "toolgate-tools", "other", Instant.now().plusSeconds(300), null));
    assertThat(narrow.statusCode()).isEqualTo(403);
    assertThat(code(narrow)).isEqualTo("insufficient_scope");
    assertThat(h.upstreamHits()).isEqualTo(before);
  }

  @Test
  void aKeyRotatedAtTheIssuerIsFetchedOnFirstUse() throws Exception {
    ECKey k2 = new ECKeyGenerator(Curve.P_256).keyID("k2-" + UUID.randomUUID()).generate();
    published.add(k2);
    Thread.sleep(2100); // past the minimum refresh interval of earlier fetches
    HttpResponse<String> r = call("/ext", good(k2));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @Test
  void unknownKidsCannotMakeToolgateHammerTheIssuer() throws Exception {
    List<String> forged = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      forged.add(good(new ECKeyGenerator(Curve.P_256).keyID("forged-" + i).generate()));
    }
    Thread.sleep(2100);
    int before = jwksFetches.get();
    long start = System.nanoTime();
    for (String token : forged) {
      assertThat(call("/ext", token).statusCode()).isEqualTo(401);
    }
    // At most one fetch per minimum refresh interval (2 s here), however many unknown kids arrive.
    long intervals = java.time.Duration.ofNanos(System.nanoTime() - start).toMillis() / 2000;
    assertThat(jwksFetches.get() - before).isLessThanOrEqualTo(1 + (int) intervals);
  }

  @Test
  void jkuHeadersAreNeverFollowed() throws Exception {
    ECKey own = new ECKeyGenerator(Curve.P_256).keyID("attacker").generate();
    String withJku = token(own, ISSUER, "toolgate-tools", "tools.read", Instant.now().plusSeconds(300), "http://127.0.0.1:" + attacker.actualPort() + "/jwks");
    assertThat(call("/ext", withJku).statusCode()).isEqualTo(401);
    String ourKeyWithJku = token(k1, ISSUER, "toolgate-tools", "tools.read", Instant.now().plusSeconds(300), "http://127.0.0.1:" + attacker.actualPort() + "/jwks");
    assertThat(call("/ext", ourKeyWithJku).statusCode()).isEqualTo(401);
    assertThat(attackerFetches.get()).isZero();
  }

  @Test
  void anIssuerThatKeepsFailingIsAskedAtMostOncePerRefreshInterval() throws Exception {
    for (int i = 0; i < 20; i++) {
      assertThat(call("/flaky", good(k1)).statusCode()).isEqualTo(503);
    }
    assertThat(flakyFetches.get()).isLessThanOrEqualTo(2);
  }

  @Test
  void aJwksFetchThatStallsAnswers503InsteadOfHanging() throws Exception {
    // The gateway waits for keys at most its upstream timeout (1 s here), then answers.
    HttpResponse<String> r = call("/stalled", good(k1));
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(code(r)).isEqualTo("issuer_unavailable");
  }

  @Test
  void anIssuerWhoseKeysCannotBeFetchedIs503NotA401() throws Exception {
    HttpResponse<String> r = call("/down", good(k1));
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(code(r)).isEqualTo("issuer_unavailable");
  }
}
