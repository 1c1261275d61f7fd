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
import dev.toolgate.core.credential.SendbirdSignatureVerifier;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.ConfigReloader;
import dev.toolgate.server.ConfigWatch;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Reloads of {@code toolgate.yaml} on a real gateway over real HTTP: what is refused and why, and
 * what a reload keeps (rate-limit buckets, one-time uses, trusted issuers' keys) or drops.
 */
class ConfigReloadTest {
  static final String TOKEN_TOOL = """
        - name: orders
          platform: sendbird
          method: GET
          path: /orders
          upstream: UPSTREAM
          policy: { require: [static_token] }
      """;

  static int lineOf(String text, String line) {
    List<String> lines = text.lines().toList();
    assertThat(lines).contains(line);
    return lines.indexOf(line) + 1;
  }

  @Test
  void anInvalidFileIsRefusedWithEveryErrorAndTheOldPolicyKeepsServing() throws Exception {
    try (ReloadableHarness g = new ReloadableHarness(TOKEN_TOOL)) {
      ClientRecord client = g.h.admin.createClient("app", "sendbird");
      String token = g.h.admin.createStaticToken(client.id(), null).plaintext();
      g.start();
      String v1 = g.version();
      g.edit("policy: { require: [static_token] }", "policy: { require: [apikey] }\n    bogus: 1");
      String text = Files.readString(g.file);

      ConfigReloader.Outcome refused = g.reload();
      assertThat(refused.result()).isEqualTo(ConfigReloader.Result.REFUSED);
      assertThat(refused.version()).as("the version still in force").isEqualTo(v1);
      assertThat(refused.problems()).hasSize(2);
      assertThat(refused.problems().get(0)).startsWith(g.file + ":" + lineOf(text, "    policy: { require: [apikey] }")
          + ": tools[0].policy.require[0]: unknown credential kind 'apikey'");
      assertThat(refused.problems().get(1)).startsWith(g.file + ":" + lineOf(text, "    bogus: 1") + ": tools[0].bogus: ");

      HttpResponse<String> stillServed = g.get("/orders", "authorization", "Bearer " + token);
      assertThat(stillServed.statusCode()).as(stillServed.body()).isEqualTo(200);
      assertThat(g.audit().get(ReloadableHarness.requestId(stillServed)).configVersion()).isEqualTo(v1);
      assertThat(new JsonObject(g.get("/readyz").body()).getString("config_version")).isEqualTo(v1);
    }
  }

  @Test
  void aSettingOnlyARestartAppliesRefusesTheWholeReloadNamingItsLine() throws Exception {
    try (ReloadableHarness g = new ReloadableHarness(TOKEN_TOOL)) {
      ClientRecord client = g.h.admin.createClient("app", "sendbird");
      String token = g.h.admin.createStaticToken(client.id(), null).plaintext();
      g.start();
      String v1 = g.version();
      g.edit("  host: 127.0.0.1\n", "  host: localhost\n");
      g.edit("  batch_size: 100\n", "  batch_size: 50\n");
      g.edit("platform: sendbird\n    method: GET", "platform: asapp\n    method: GET"); // would refuse the token's client
      String text = Files.readString(g.file);

      ConfigReloader.Outcome refused = g.reload();
      assertThat(refused.result()).isEqualTo(ConfigReloader.Result.REFUSED);
      assertThat(refused.problems()).containsExactly(
          g.file + ":" + lineOf(text, "  host: localhost") + ": server.host: changed, and takes effect only when the server restarts; nothing was reloaded",
          g.file + ":" + lineOf(text, "audit:") + ": audit: changed, and takes effect only when the server restarts; nothing was reloaded",
          // The default issuer is the listening address.
          g.file + ":0: authorization_server.issuer: changed (not written in the file: its default follows other settings),"
              + " and takes effect only when the server restarts; nothing was reloaded",
          g.file + ":0: authorization_server.default_resource: changed (not written in the file: its default follows other settings),"
              + " and takes effect only when the server restarts; nothing was reloaded");
      assertThat(g.get("/orders", "authorization", "Bearer " + token).statusCode()).as("the tool's change was not applied either").isEqualTo(200);
      assertThat(g.h.gateway.reloader().current().version()).isEqualTo(v1);
    }
  }

  @Test
  void theSameFileAgainChangesNothingAndAConfigurationMadeInCodeCannotBeReloaded() throws Exception {
    try (ReloadableHarness g = new ReloadableHarness(TOKEN_TOOL)) {
      g.start();
      var running = g.h.gateway.reloader().current();
      ConfigReloader.Outcome same = g.reload();
      assertThat(same.result()).isEqualTo(ConfigReloader.Result.UNCHANGED);
      assertThat(same.attempt()).isEqualTo(1);
      assertThat(g.h.gateway.reloader().current()).as("nothing was rebuilt").isSameAs(running);
    }
    try (GatewayHarness h = new GatewayHarness(TOKEN_TOOL).start()) {
      ConfigReloader.Outcome refused = h.gateway.reloader().reload();
      assertThat(refused.result()).isEqualTo(ConfigReloader.Result.REFUSED);
      assertThat(refused.problems()).containsExactly("this server's configuration was not read from a file: there is nothing to reload");
      assertThat(h.send(h.get("/readyz")).body()).doesNotContain("config_version");
    }
  }

  @Test
  void aReloadResetsNoRateLimitAndAChangedLimitTakesItsNewSize() throws Exception {
    String limited = """
          - name: counted
            method: GET
            path: /counted
            upstream: UPSTREAM
            policy: { anonymous: true }
            rate_limits: [{ per: tool, limit: 3, period: 1h }]
        """;
    try (ReloadableHarness g = new ReloadableHarness(limited)) {
      g.start();
      assertThat(statuses(g, 2)).containsExactly(200, 200);
      g.writeTools(limited + """
            - name: other
              method: GET
              path: /other
              upstream: UPSTREAM
              policy: { anonymous: true }
          """);
      assertThat(g.reload().result()).isEqualTo(ConfigReloader.Result.RELOADED);
      assertThat(statuses(g, 2)).as("one of three left, as before the reload").containsExactly(200, 429);

      g.edit("limit: 3, period: 1h", "limit: 5, period: 1h");
      assertThat(g.reload().result()).isEqualTo(ConfigReloader.Result.RELOADED);
      HttpResponse<String> raised = g.get("/counted");
      assertThat(raised.statusCode()).isEqualTo(200);
      assertThat(raised.headers().firstValue("ratelimit-limit")).hasValue("5");
      assertThat(raised.headers().firstValue("ratelimit-remaining")).as("3 used before, 1 now").hasValue("1");
      assertThat(statuses(g, 2)).containsExactly(200, 429);

      g.edit("limit: 5, period: 1h", "limit: 2, period: 1h");
      assertThat(g.reload().result()).isEqualTo(ConfigReloader.Result.RELOADED);
      assertThat(statuses(g, 1)).as("more than 2 were used: none left").containsExactly(429);
    }
  }

  private static List<Integer> statuses(ReloadableHarness g, int calls) throws Exception {
    List<Integer> out = new java.util.ArrayList<>();
    for (int i = 0; i < calls; i++) {
      out.add(g.get("/counted").statusCode());
    }
    return out;
  }

  @Test
  void aWebhookUsedBeforeAReloadIsStillAReplayAfterIt() throws Exception {
    String secret = "whsec_" + Base64.getEncoder().encodeToString("a 32-byte symmetric secret key!!".getBytes(StandardCharsets.UTF_8));
    String hooks = """
          - name: order_events
            method: POST
            path: /hooks/orders
            upstream: UPSTREAM
            platform: sendbird
            policy: {require: [standard_webhooks]}
        """;
    try (ReloadableHarness g = new ReloadableHarness(hooks)) {
      ClientRecord client = g.h.admin.createClient("hooks", "sendbird");
      g.h.admin.addSigningSecret(client.id(), secret.getBytes(StandardCharsets.UTF_8), null);
      g.start();
      String body = "{\"order_id\":\"A-1001\"}";
      long ts = System.currentTimeMillis() / 1000;
      byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
      String signature = "v1," + Base64.getEncoder().encodeToString(
          SendbirdSignatureVerifier.hmac(key, ("msg_1." + ts + "." + body).getBytes(StandardCharsets.UTF_8)));
      HttpRequest.Builder webhook = HttpRequest.newBuilder(java.net.URI.create(g.h.base() + "/hooks/orders"))
          .POST(HttpRequest.BodyPublishers.ofString(body)).header("content-type", "application/json")
          .header("webhook-id", "msg_1").header("webhook-timestamp", Long.toString(ts)).header("webhook-signature", signature);
      assertThat(g.h.send(webhook).statusCode()).isEqualTo(200);

      g.writeTools(hooks.replace("policy: {require: [standard_webhooks]}", "policy: {require: [standard_webhooks]}\n    allowed_ips: [127.0.0.1]"));
      assertThat(g.reload().result()).isEqualTo(ConfigReloader.Result.RELOADED);
      HttpResponse<String> replay = g.h.send(webhook);
      assertThat(replay.statusCode()).isEqualTo(401);
      assertThat(ReloadableHarness.code(replay)).isEqualTo("replayed");
      assertThat(g.h.upstream.hits.get()).isEqualTo(1);
    }
  }

  @Test
  void theEndpointsThatListTheToolsFollowAReload() throws Exception {
    try (ReloadableHarness g = new ReloadableHarness(TOKEN_TOOL)) {
      g.start();
      JsonObject before = new JsonObject(g.get("/.well-known/oauth-protected-resource").body());
      assertThat(before.getJsonArray("scopes_supported")).isEmpty();
      g.writeTools(TOKEN_TOOL + """
            - name: reports
              method: GET
              path: /reports
              upstream: UPSTREAM
              policy: { require: [client_token], client_token: { scopes: [reports.read] } }
          """);
      assertThat(g.reload().result()).isEqualTo(ConfigReloader.Result.RELOADED);
      JsonObject after = new JsonObject(g.get("/.well-known/oauth-protected-resource").body());
      assertThat(after.getJsonArray("scopes_supported").getList()).containsExactly("reports.read");
      assertThat(after.getJsonArray("toolgate_tools").getJsonObject(0).getString("name")).isEqualTo("reports");
      HttpResponse<String> noToken = g.get("/reports");
      assertThat(noToken.statusCode()).isEqualTo(401);
      assertThat(ReloadableHarness.code(noToken)).isEqualTo("token_missing");
    }
  }

  /** An identity provider on loopback publishing one EC key, counting its JWKS fetches. */
  record Idp(HttpServer server, ECKey key, AtomicInteger fetches) {
    static Idp start(Vertx vertx, String kid) throws Exception {
      ECKey key = new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
      AtomicInteger fetches = new AtomicInteger();
      HttpServer server = vertx.createHttpServer().requestHandler(req -> {
        fetches.incrementAndGet();
        req.response().putHeader("content-type", "application/json").end(new JWKSet(key.toPublicJWK()).toString());
      }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return new Idp(server, key, fetches);
    }

    String token(String issuer) throws Exception {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
          new JWTClaimsSet.Builder().issuer(issuer).subject("employee-7").audience("toolgate-tools")
              .expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
      jwt.sign(new ECDSASigner(key));
      return jwt.serialize();
    }

    String yaml(String name, String issuer) {
      return "  " + name + ":\n    issuer: " + issuer + "\n    jwks_uri: http://127.0.0.1:" + server.actualPort()
          + "/certs\n    audiences: [toolgate-tools]\n    algorithms: [ES256]\n";
    }
  }

  static String externalTool(String name, String issuer) {
    return "  - name: " + name + "\n    method: GET\n    path: /" + name + "\n    upstream: UPSTREAM\n"
        + "    policy: { require: [external_jwt], external_jwt: { issuer: " + issuer + " } }\n";
  }

  @Test
  void aTrustedIssuerNoLongerTrustedOrTrustedForLessStopsVerifyingAtOnceAndOneKeptKeepsItsKeys() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Idp corp = Idp.start(vertx, "corp-1");
      Idp partner = Idp.start(vertx, "partner-1");
      String corpIssuer = "https://corp.example.test";
      String partnerIssuer = "https://partner.example.test";
      String issuers = "trusted_issuers:\n" + corp.yaml("corp", corpIssuer) + partner.yaml("partner", partnerIssuer);
      try (ReloadableHarness g = new ReloadableHarness(externalTool("ext", "corp") + externalTool("ext2", "partner") + issuers)) {
        g.start();
        String corpToken = corp.token(corpIssuer);
        String partnerToken = partner.token(partnerIssuer);
        HttpResponse<String> first = g.get("/ext", "authorization", "Bearer " + corpToken);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200); // verified, and now cached
        assertThat(g.get("/ext2", "authorization", "Bearer " + partnerToken).statusCode()).isEqualTo(200);
        int partnerFetches = partner.fetches().get();

        // corp is no longer trusted; ext now takes partner's tokens; partner is configured as before.
        g.writeTools(externalTool("ext", "partner") + externalTool("ext2", "partner") + "trusted_issuers:\n" + partner.yaml("partner", partnerIssuer));
        assertThat(g.reload().result()).isEqualTo(ConfigReloader.Result.RELOADED);
        int hits = g.h.upstream.hits.get();
        HttpResponse<String> refused = g.get("/ext", "authorization", "Bearer " + corpToken);
        assertThat(refused.statusCode()).as("the cached corp token: " + refused.body()).isEqualTo(401);
        assertThat(ReloadableHarness.code(refused)).isEqualTo("token_invalid");
        assertThat(g.h.upstream.hits.get()).isEqualTo(hits);
        assertThat(g.get("/ext", "authorization", "Bearer " + partnerToken).statusCode()).isEqualTo(200);
        assertThat(g.get("/ext2", "authorization", "Bearer " + partnerToken).statusCode()).isEqualTo(200);
        assertThat(partner.fetches().get()).as("partner's keys were kept, not fetched again").isEqualTo(partnerFetches);

        // partner's tokens must now be for another audience: the token verified (and cached) a moment ago is refused.
        g.edit("audiences: [toolgate-tools]", "audiences: [other-tools]");
        assertThat(g.reload().result()).isEqualTo(ConfigReloader.Result.RELOADED);
        HttpResponse<String> narrowed = g.get("/ext2", "authorization", "Bearer " + partnerToken);
        assertThat(narrowed.statusCode()).as(narrowed.body()).isEqualTo(401);
        assertThat(ReloadableHarness.code(narrowed)).isEqualTo("token_invalid");
      }
    } finally {
      vertx.close();
    }
  }

  @Test
  void aWatchedConfigMapUpdateIsReloaded() throws Exception {
    try (ReloadableHarness g = new ReloadableHarness(TOKEN_TOOL)) {
      // Laid out as Kubernetes mounts a ConfigMap: toolgate.yaml -> ..data/toolgate.yaml, ..data -> ..v1.
      Path dir = g.file.getParent();
      Files.createDirectory(dir.resolve("..v1"));
      Files.move(g.file, dir.resolve("..v1/toolgate.yaml"));
      Files.createSymbolicLink(dir.resolve("..data"), Path.of("..v1"));
      Files.createSymbolicLink(g.file, Path.of("..data/toolgate.yaml"));
      g.start();
      String v1 = g.version();
      try (ConfigWatch watch = ConfigWatch.start(g.file, g.h.gateway.reloader()::reload)) {
        // The update: a new directory, then ..data swapped to it in one rename.
        Files.createDirectory(dir.resolve("..v2"));
        String text = Files.readString(dir.resolve("..v1/toolgate.yaml")).replace("path: /orders", "path: /orders/v2");
        Files.writeString(dir.resolve("..v2/toolgate.yaml"), text);
        Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of("..v2"));
        Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        String v2 = g.version();
        assertThat(v2).isNotEqualTo(v1);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!v2.equals(g.h.gateway.reloader().current().version())) {
          assertThat(System.nanoTime()).as("reloaded within 30 s").isLessThan(deadline);
          Thread.sleep(50);
        }
        assertThat(ReloadableHarness.code(g.get("/orders"))).isEqualTo("route_not_found");
        assertThat(ReloadableHarness.code(g.get("/orders/v2"))).isEqualTo("token_missing");
      }
    }
  }
}
