package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.ClientRecord;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The client address behind docs/examples/nginx-auth-request.conf as shipped, with nginx as
 * Toolgate's one trusted proxy. Clients connect from distinct loopback addresses (127.0.0.2,
 * 127.0.0.3, ...), so the address nginx saw differs from nginx's own (127.0.0.1): Toolgate must
 * judge by the first, and a client's own forwarding headers must change nothing. Toolgate's
 * refusals reach the client with Toolgate's status, problem body and headers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NginxClientAddressTest {
  static final String TOOLS = """
        - name: allowlisted
          method: GET
          path: /allowlisted
          upstream: UPSTREAM
          allowed_ips: [127.0.0.2]
          policy: { anonymous: true }
        - name: per_ip
          method: GET
          path: /per-ip
          upstream: UPSTREAM
          policy: { anonymous: true }
          rate_limits:
            - { per: ip, limit: 2, period: 1m }
        - name: keyed
          platform: sendbird
          method: GET
          path: /keyed
          upstream: UPSTREAM
          policy: { require: [api_key] }
        - name: down
          method: GET
          path: /down
          upstream: UPSTREAM
          policy:
            require: [external_jwt]
            external_jwt: { issuer: gone }
      failed_auth_limit: { limit: 3, period: 1m }
      trusted_issuers:
        gone:
          issuer: https://gone.example.test
          jwks_uri: http://127.0.0.1:1/certs
          audiences: [toolgate-tools]
          algorithms: [ES256]
      """;
  /** Every way a client could claim another address; the shipped example replaces or drops them all. */
  static final String SPOOFS = "X-Forwarded-For: 127.0.0.2\r\nForwarded: for=127.0.0.2\r\nX-Real-IP: 127.0.0.2\r\n"
      + "True-Client-IP: 127.0.0.2\r\nX-Client-IP: 127.0.0.2\r\n";

  GatewayHarness h;
  NginxFront nginx;
  String key;

  @BeforeAll
  void start() throws Exception {
    h = new GatewayHarness(TOOLS, "1s", "  trusted_proxies: [127.0.0.1]\n", "");
    ClientRecord client = h.admin.createClient("app", "sendbird");
    key = h.admin.createApiKey(client.id(), Set.of("*"), null).plaintext();
    h.start();
    nginx = NginxFront.start(h);
  }

  @AfterAll
  void stop() throws Exception {
    if (nginx != null) {
      nginx.close();
    }
    h.close();
  }

  /** One response read off a socket. */
  record Answer(int status, String head, String body) {
    static Answer of(String raw) {
      int split = raw.indexOf("\r\n\r\n");
      return new Answer(Integer.parseInt(raw.substring(9, 12)), raw.substring(0, split), raw.substring(split + 4));
    }

    String header(String name) {
      for (String line : head.split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith(name.toLowerCase(Locale.ROOT) + ":")) {
          return line.substring(name.length() + 1).strip();
        }
      }
      return null;
    }

    long count(String name) {
      return head.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith(name.toLowerCase(Locale.ROOT) + ":")).count();
    }

    String code() {
      return new JsonObject(body).getString("code");
    }
  }

  Answer get(String from, String path, String extraHeaders) throws Exception {
    return Answer.of(nginx.sendFrom(from, "GET " + path + " HTTP/1.1\r\nHost: tools.example\r\nConnection: close\r\n" + extraHeaders + "\r\n"));
  }

  @Test
  void aSpoofedAddressCannotGetAroundAllowedIps() throws Exception {
    Answer allowed = get("127.0.0.2", "/allowlisted", "");
    assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
    assertThat(h.upstream.lastHeaders.get("x-forwarded-for")).as("the tool learns the address nginx saw").isEqualTo("127.0.0.2");

    int before = h.upstream.hits.get();
    Answer spoofed = get("127.0.0.3", "/allowlisted", SPOOFS);
    assertThat(spoofed.status()).as(spoofed.body()).isEqualTo(403);
    assertThat(spoofed.code()).isEqualTo("ip_not_allowed");
    assertThat(spoofed.header("content-type")).isEqualTo("application/problem+json");
    assertThat(h.upstream.hits.get()).as("upstream untouched").isEqualTo(before);
    h.gateway.flushAudit();
    AuditEvent audited = h.auditLog.find(spoofed.header("x-request-id")).orElseThrow();
    assertThat(audited.remoteAddress()).isEqualTo("127.0.0.3");
  }

  @Test
  void perIpLimitsCountTheAddressNginxSawAndAnswer429WithRetryAfter() throws Exception {
    for (int i = 0; i < 2; i++) {
      Answer ok = get("127.0.0.4", "/per-ip", "X-Forwarded-For: 198.51.100." + i + "\r\n");
      assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    }
    int before = h.upstream.hits.get();
    Answer limited = get("127.0.0.4", "/per-ip", "X-Forwarded-For: 198.51.100.9\r\nForwarded: for=198.51.100.9\r\n");
    assertThat(limited.status()).as("429 from Toolgate, not nginx's 500: " + limited.body()).isEqualTo(429);
    assertThat(limited.code()).isEqualTo("rate_limited");
    assertThat(Long.parseLong(limited.header("retry-after"))).isBetween(1L, 60L);
    assertThat(limited.header("x-request-id")).startsWith("req_");
    assertThat(h.upstream.hits.get()).isEqualTo(before);
    // Another client behind the same nginx has its own bucket: callers do not share nginx's address.
    assertThat(get("127.0.0.5", "/per-ip", "").status()).isEqualTo(200);
  }

  @Test
  void theFailedAuthLimiterCountsTheAddressNginxSaw() throws Exception {
    for (int i = 0; i < 3; i++) {
      Answer bad = get("127.0.0.6", "/keyed", "api-key: tgk_wrong" + i + "\r\nX-Forwarded-For: 203.0.113." + i + "\r\n");
      assertThat(bad.status()).as(bad.body()).isEqualTo(401);
      assertThat(bad.code()).isEqualTo("api_key_invalid");
      assertThat(bad.count("www-authenticate")).as(bad.head()).isEqualTo(1);
    }
    Answer blocked = get("127.0.0.6", "/keyed", "api-key: tgk_wrong\r\nX-Forwarded-For: 203.0.113.99\r\n");
    assertThat(blocked.status()).as("rotating X-Forwarded-For does not reset the count: " + blocked.body()).isEqualTo(429);
    assertThat(blocked.code()).isEqualTo("rate_limited");
    assertThat(blocked.header("retry-after")).isNotNull();
    // The client next to the attacker, behind the same nginx, is not locked out.
    Answer valid = get("127.0.0.7", "/keyed", "api-key: " + key + "\r\n");
    assertThat(valid.status()).as(valid.body()).isEqualTo(200);
  }

  @Test
  void aToolgate503ReachesTheClientAs503() throws Exception {
    ECKey signer = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").build(), new JWTClaimsSet.Builder()
        .issuer("https://gone.example.test").subject("employee-7").audience("toolgate-tools")
        .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
    jwt.sign(new ECDSASigner(signer));
    int before = h.upstream.hits.get();
    Answer down = get("127.0.0.8", "/down", "Authorization: Bearer " + jwt.serialize() + "\r\n");
    assertThat(down.status()).as("503 from Toolgate, not nginx's 500: " + down.body()).isEqualTo(503);
    assertThat(down.code()).isEqualTo("issuer_unavailable");
    assertThat(h.upstream.hits.get()).isEqualTo(before);
  }

  @Test
  void otherRefusalsKeepTheirStatusToo() throws Exception {
    Answer unknown = get("127.0.0.9", "/nowhere", "");
    assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
    assertThat(unknown.code()).isEqualTo("route_not_found");
    Answer wrongMethod = Answer.of(nginx.sendFrom("127.0.0.9", "DELETE /keyed HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
    assertThat(wrongMethod.status()).as(wrongMethod.body()).isEqualTo(405);
    assertThat(wrongMethod.header("allow")).isEqualTo("GET");
    Answer badPath = get("127.0.0.9", "/keyed/%2e%2e/allowlisted", "");
    assertThat(badPath.status()).as(badPath.body()).isEqualTo(400);
    assertThat(badPath.code()).isEqualTo("bad_path");
  }
}
