package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.token.AccessTokens;
import dev.toolgate.core.token.JwtIssuer;
import dev.toolgate.core.token.KeyRing;
import dev.toolgate.server.demo.SampleMcpServer;
import dev.toolgate.server.store.MasterKey;
import dev.toolgate.server.store.SigningKeyStore;
import dev.toolgate.server.users.PasswordHasher;
import dev.toolgate.server.users.User;
import dev.toolgate.server.users.UserStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * MCP routes over real HTTP, in front of a real MCP server (the demo's sample server): per-MCP-tool
 * policy, the protected-resource side of MCP authorization, Mcp-Method/Mcp-Name against the body,
 * batches, sessions bound to their caller, Origin, streaming, and no token passthrough.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpRouteIntegrationTest {
  static final String TOOLS = """
        - name: shop_mcp
          path: /mcp
          upstream: SAMPLE
          policy:
            require: [client_token]
            client_token: { scopes: [mcp] }
          mcp:
            allowed_origins: [https://app.example.com]
            methods:
              prompts/get: { deny: true }
            tools:
              refund_order:
                scopes: [orders.refund]
                user: { forward: user_id }
                owner: { body_field: /customer_id, is: user_id }
              track_shipment:
                rate_limits: [{ per: user, limit: 3, period: 1h }]
        - name: filtered_mcp
          path: /filtered/mcp
          upstream: SAMPLE
          policy:
            require: [client_token]
            client_token: { scopes: [mcp] }
          mcp:
            filter_tools_list: true
            tools:
              refund_order: { scopes: [orders.refund] }
              track_shipment: { deny: true }
        - name: signed_mcp
          path: /signed/mcp
          upstream: SAMPLE
          platform: sendbird
          policy: { require: [sendbird_signature] }
          mcp: {}
        - name: asapp_mcp
          path: /asapp/mcp
          upstream: SAMPLE
          platform: asapp
          policy: { require: [api_key] }
          mcp:
            unlisted_tools: deny
            tools:
              lookup_order: {}
      authorization_server:
        password_hash: { memory_kib: 8192, iterations: 1, parallelism: 1 }
      """;

  Vertx vertx;
  SampleMcpServer sample;
  GatewayHarness h;
  KeyRing ring;
  User ada;
  User bob;
  String resource;
  String apiKey;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    sample = SampleMcpServer.start(vertx, "127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    h = new GatewayHarness(TOOLS.replace("SAMPLE", "http://127.0.0.1:" + sample.port() + "/mcp"));
    UserStore users = new UserStore(h.adminDb);
    PasswordHasher hasher = new PasswordHasher(new PasswordHasher.Parameters(8192, 1, 1));
    ada = users.createUser("ada", hasher.hash("ada password 1"));
    bob = users.createUser("bob", hasher.hash("bob password 2"));
    ClientRecord asapp = h.admin.createClient("asapp-agent", "asapp");
    apiKey = h.admin.createApiKey(asapp.id(), Set.of("*"), null).plaintext();
    h.start();
    ring = new SigningKeyStore(h.adminDb, MasterKey.load(h.config.store())).loadKeyRing(Duration.ofHours(24));
    resource = h.base() + "/mcp";
  }

  @AfterAll
  void stop() {
    if (h != null) {
      h.close();
    }
    if (vertx != null) {
      vertx.close();
    }
  }

  // ------------------------------------------------------------------ protected resource

  @Test
  void withoutATokenTheChallengeNamesTheRoutesMetadataAndScope() throws Exception {
    HttpResponse<String> r = h.send(mcp("/mcp", call(1, "lookup_order", new JsonObject().put("order_id", "A-1"))));
    assertThat(r.statusCode()).isEqualTo(401);
    String challenge = r.headers().firstValue("www-authenticate").orElseThrow();
    assertThat(challenge).contains("resource_metadata=\"" + h.base() + "/.well-known/oauth-protected-resource/mcp\"").contains("scope=\"mcp\"");

    HttpResponse<String> metadata = h.send(h.get("/.well-known/oauth-protected-resource/mcp"));
    assertThat(metadata.statusCode()).isEqualTo(200);
    JsonObject doc = new JsonObject(metadata.body());
    assertThat(doc.getString("resource")).isEqualTo(resource);
    assertThat(doc.getJsonArray("authorization_servers").getList()).containsExactly(h.gateway.issuer());
    assertThat(doc.getJsonArray("scopes_supported").getList()).contains("mcp", "orders.refund");
    assertThat(doc.getJsonArray("bearer_methods_supported").getList()).containsExactly("header");
    assertThat(metadata.headers().firstValue("access-control-allow-origin")).as("public, for browser clients").hasValue("*");
  }

  @Test
  void aUserTokenForTheResourceReachesTheToolAndNoCredentialGoesUpstream() throws Exception {
    String token = token(ada.id(), "https://agent.example.com/client.json", List.of(resource), "mcp");
    HttpResponse<String> r = h.send(mcp("/mcp", call(1, "lookup_order", new JsonObject().put("order_id", "A-1"))).header("authorization", "Bearer " + token));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject saw = upstreamSaw(r.body());
    assertThat(saw.encode()).contains(ada.id()).contains("https://agent.example.com/client.json").doesNotContain(token);
    assertThat(saw.getJsonArray("credential_headers_received", new JsonArray()).isEmpty()).as(saw.encode()).isTrue();
    AuditEvent event = audit(r);
    assertThat(event.trace()).anySatisfy(c -> {
      assertThat(c.name()).isEqualTo("mcp");
      assertThat(c.detail()).isEqualTo("tools/call lookup_order");
    });
    java.io.StringWriter out = new java.io.StringWriter();
    var cli = dev.toolgate.server.cli.ToolgateCli.commandLine();
    cli.setOut(new java.io.PrintWriter(out));
    assertThat(cli.execute("explain", event.requestId(), "--config", h.config.source().toString())).isZero();
    assertThat(out.toString()).contains("✓ mcp: tools/call lookup_order").doesNotContain(token);
  }

  @Test
  void aSendbirdSignatureCoversAnMcpMessage() throws Exception {
    ClientRecord sendbird = h.admin.createClient("sendbird-app", "sendbird");
    String secret = "sendbird-master-token-for-mcp";
    h.admin.addSigningSecret(sendbird.id(), secret.getBytes(StandardCharsets.UTF_8), null);
    h.gateway.refreshCredentials();
    String body = call(1, "lookup_order", args()).encode();
    String signature = java.util.HexFormat.of().formatHex(dev.toolgate.core.credential.SendbirdSignatureVerifier.hmac(
        secret.getBytes(StandardCharsets.UTF_8), body.getBytes(StandardCharsets.UTF_8)));
    HttpResponse<String> ok = h.send(mcp("/signed/mcp", body).header("x-sendbird-signature", signature));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(upstreamSaw(ok.body()).getString("x-toolgate-client")).isEqualTo(sendbird.id());
    String changed = body.replace("A-1", "A-2");
    assertThat(h.send(mcp("/signed/mcp", changed).header("x-sendbird-signature", signature)).statusCode()).isEqualTo(401);
  }

  @Test
  void aTokenForAnotherResourceOrForSeveralIsRefused() throws Exception {
    String other = token(ada.id(), "https://agent.example.com/client.json", List.of("https://other.example.com/mcp"), "mcp");
    assertThat(h.send(mcp("/mcp", call(1, "lookup_order", args())).header("authorization", "Bearer " + other)).statusCode()).isEqualTo(401);
    String several = token(ada.id(), "https://agent.example.com/client.json", List.of(resource, "https://other.example.com/mcp"), "mcp");
    HttpResponse<String> r = h.send(mcp("/mcp", call(1, "lookup_order", args())).header("authorization", "Bearer " + several));
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("www-authenticate").orElseThrow()).contains("error=\"invalid_token\"");
  }

  @Test
  void aToolNeedingMoreScopeIsRefused403NamingEveryScope() throws Exception {
    String token = token(ada.id(), "https://agent.example.com/client.json", List.of(resource), "mcp");
    HttpResponse<String> r = h.send(mcp("/mcp", refund(ada.id())).header("authorization", "Bearer " + token));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.headers().firstValue("www-authenticate").orElseThrow()).contains("error=\"insufficient_scope\"").contains("scope=\"mcp orders.refund\"");
  }

  @Test
  void ownershipIsReadFromTheToolsArguments() throws Exception {
    String token = token(ada.id(), "https://agent.example.com/client.json", List.of(resource), "mcp orders.refund");
    HttpResponse<String> own = h.send(mcp("/mcp", refund(ada.id())).header("authorization", "Bearer " + token));
    assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
    HttpResponse<String> others = h.send(mcp("/mcp", refund(bob.id())).header("authorization", "Bearer " + token));
    assertThat(others.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(others.body()).getString("code")).isEqualTo("owner_mismatch");
  }

  @Test
  void aTokenInTheQueryStringIsRefused() throws Exception {
    String token = token(ada.id(), "https://agent.example.com/client.json", List.of(resource), "mcp");
    HttpResponse<String> r = h.send(mcp("/mcp?access_token=" + token, call(1, "lookup_order", args())));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(r.body()).getString("code")).isEqualTo("token_in_query");
    assertThat(r.body()).doesNotContain(token);
  }

  // ------------------------------------------------------------------ headers against the body

  @Test
  void aSpoofedMcpNameIsRefusedWithHeaderMismatch() throws Exception {
    String token = token(ada.id(), "https://agent.example.com/client.json", List.of(resource), "mcp");
    HttpResponse<String> r = h.send(mcp("/mcp", refund(ada.id())).header("authorization", "Bearer " + token)
        .header("mcp-method", "tools/call").header("mcp-name", "lookup_order"));
    assertThat(r.statusCode()).isEqualTo(400);
    JsonObject answer = new JsonObject(r.body());
    assertThat(answer.getInteger("id")).as("the refused message's id is echoed").isEqualTo(3);
    JsonObject error = answer.getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(-32020);
    assertThat(error.getJsonObject("data").getString("code")).isEqualTo("mcp_header_mismatch");
  }

  @Test
  void aBase64McpNameIsDecodedAndMustStillMatch() throws Exception {
    String token = token(ada.id(), "https://agent.example.com/client.json", List.of(resource), "mcp");
    String encoded = "=?base64?" + java.util.Base64.getEncoder().encodeToString("lookup_order".getBytes(StandardCharsets.UTF_8)) + "?=";
    HttpResponse<String> ok = h.send(mcp("/mcp", call(1, "lookup_order", args())).header("authorization", "Bearer " + token)
        .header("mcp-method", "tools/call").header("mcp-name", encoded));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    HttpResponse<String> broken = h.send(mcp("/mcp", call(1, "lookup_order", args())).header("authorization", "Bearer " + token)
        .header("mcp-name", "=?base64?bG9va3VwX29yZGVy=?="));
    assertThat(broken.statusCode()).isEqualTo(400);
  }

  @Test
  void everyMessageOfABatchIsJudged() throws Exception {
    String token = token(ada.id(), "https://agent.example.com/client.json", List.of(resource), "mcp");
    JsonArray batch = new JsonArray().add(call(1, "lookup_order", args())).add(refund(ada.id()).put("id", 2));
    HttpResponse<String> r = h.send(mcp("/mcp", batch.encode()).header("authorization", "Bearer " + token));
    assertThat(r.statusCode()).as("the second message lacks orders.refund").isEqualTo(403);
    HttpResponse<String> mismatch = h.send(mcp("/mcp", new JsonArray().add(call(1, "lookup_order", args())).add(new JsonObject()
        .put("jsonrpc", "2.0").put("id", 2).put("method", "tools/list")).encode()).header("authorization", "Bearer " + token).header("mcp-method", "tools/call"));
    assertThat(mismatch.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(mismatch.body()).getJsonObject("error").getInteger("code")).isEqualTo(-32020);
  }

  @Test
  void aDeniedMethodAndAnAmbiguousBodyAreRefused() throws Exception {
    String token = token(ada.id(), "https://agent.example.com/client.json", List.of(resource), "mcp");
    String prompt = new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "prompts/get").put("params", new JsonObject().put("name", "x")).encode();
    HttpResponse<String> denied = h.send(mcp("/mcp", prompt).header("authorization", "Bearer " + token));
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(denied.body()).getString("code")).isEqualTo("mcp_method_denied");
    String twice = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_order\",\"name\":\"refund_order\",\"arguments\":{}}}";
    HttpResponse<String> ambiguous = h.send(mcp("/mcp", twice).header("authorization", "Bearer " + token));
    assertThat(ambiguous.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(ambiguous.body()).getJsonObject("error").getInteger("code")).isEqualTo(-32700);
  }

  // ------------------------------------------------------------------ sessions, Origin, streaming

  @Test
  void aSessionIsBoundToTheUserWhoOpenedIt() throws Exception {
    String adaToken = token(ada.id(), "https://agent.example.com/client.json", List.of(resource), "mcp");
    HttpResponse<String> init = h.send(mcp("/mcp", initialize()).header("authorization", "Bearer " + adaToken));
    assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
    String session = init.headers().firstValue("mcp-session-id").orElseThrow();
    HttpResponse<String> list = h.send(mcp("/mcp", list()).header("authorization", "Bearer " + adaToken).header("mcp-session-id", session));
    assertThat(list.statusCode()).as(list.body()).isEqualTo(200);

    String bobToken = token(bob.id(), "https://agent.example.com/client.json", List.of(resource), "mcp");
    HttpResponse<String> stolen = h.send(mcp("/mcp", list()).header("authorization", "Bearer " + bobToken).header("mcp-session-id", session));
    assertThat(stolen.statusCode()).isEqualTo(404);
    HttpResponse<String> forged = h.send(mcp("/mcp", list()).header("authorization", "Bearer " + adaToken).header("mcp-session-id", "abc.def"));
    assertThat(forged.statusCode()).isEqualTo(404);
  }

  @Test
  void anOriginOtherThanTheAllowedOnesIsRefused() throws Exception {
    String token = token(ada.id(), "https://agent.example.com/client.json", List.of(resource), "mcp");
    HttpResponse<String> evil = h.send(mcp("/mcp", list()).header("authorization", "Bearer " + token).header("origin", "https://evil.example"));
    assertThat(evil.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(evil.body()).getString("code")).isEqualTo("mcp_origin_not_allowed");
    HttpResponse<String> app = h.send(mcp("/mcp", list()).header("authorization", "Bearer " + token).header("origin", "https://APP.example.com"));
    assertThat(app.statusCode()).as(app.body()).isEqualTo(200);
    // A route served on loopback takes local pages (an inspector, an IDE) on any port; never "null".
    assertThat(h.send(mcp("/mcp", list()).header("authorization", "Bearer " + token).header("origin", "http://localhost:6274")).statusCode()).isEqualTo(200);
    assertThat(h.send(mcp("/mcp", list()).header("authorization", "Bearer " + token).header("origin", "null")).statusCode()).isEqualTo(403);
  }

  @Test
  void aBrowserClientOnAnAllowedOriginGetsCorsAnswersItCanRead() throws Exception {
    HttpResponse<String> preflight = h.send(HttpRequest.newBuilder(URI.create(resource)).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("origin", "https://app.example.com").header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization, content-type, mcp-session-id, x-evil"));
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example.com");
    assertThat(preflight.headers().firstValue("access-control-allow-methods")).hasValue("POST, GET, DELETE");
    assertThat(preflight.headers().firstValue("access-control-allow-headers")).hasValue("authorization, content-type, mcp-session-id");

    // The 401 that starts authorization is readable: its challenge is exposed.
    HttpResponse<String> challenged = h.send(mcp("/mcp", list()).header("origin", "https://app.example.com"));
    assertThat(challenged.statusCode()).isEqualTo(401);
    assertThat(challenged.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example.com");
    assertThat(challenged.headers().firstValue("access-control-expose-headers").orElseThrow()).contains("www-authenticate").contains("mcp-session-id");

    String token = token(ada.id(), "https://agent.example.com/client.json", List.of(resource), "mcp");
    HttpResponse<String> answered = h.send(mcp("/mcp", list()).header("authorization", "Bearer " + token).header("origin", "https://app.example.com"));
    assertThat(answered.statusCode()).isEqualTo(200);
    assertThat(answered.headers().allValues("access-control-allow-origin")).containsExactly("https://app.example.com");

    HttpResponse<String> other = h.send(HttpRequest.newBuilder(URI.create(resource)).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("origin", "https://evil.example").header("access-control-request-method", "POST"));
    assertThat(other.statusCode()).isEqualTo(405);
    assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();
  }

  @Test
  void progressStreamsAsServerSentEventsWithoutBuffering() throws Exception {
    String token = token(ada.id(), "https://agent.example.com/client.json", List.of(resource), "mcp");
    JsonObject call = call(7, "track_shipment", new JsonObject().put("order_id", "A-1").put("steps", 3));
    call.getJsonObject("params").put("_meta", new JsonObject().put("progressToken", "p1"));
    HttpResponse<String> r = h.send(mcp("/mcp", call.encode()).header("authorization", "Bearer " + token));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
    assertThat(r.headers().firstValue("x-accel-buffering")).hasValue("no");
    assertThat(r.body()).contains("notifications/progress").contains("\"id\":7");
  }

  @Test
  void aToolsRateLimitCountsItsCallsAlone() throws Exception {
    User carol = new UserStore(h.adminDb).createUser("carol", new PasswordHasher(new PasswordHasher.Parameters(8192, 1, 1)).hash("carol password 3"));
    String token = token(carol.id(), "https://agent.example.com/client.json", List.of(resource), "mcp");
    for (int i = 0; i < 3; i++) {
      assertThat(h.send(mcp("/mcp", call(i, "track_shipment", new JsonObject().put("order_id", "A-1"))).header("authorization", "Bearer " + token)).statusCode())
          .isEqualTo(200);
    }
    assertThat(h.send(mcp("/mcp", call(9, "track_shipment", new JsonObject().put("order_id", "A-1"))).header("authorization", "Bearer " + token)).statusCode())
        .isEqualTo(429);
    assertThat(h.send(mcp("/mcp", call(10, "lookup_order", args())).header("authorization", "Bearer " + token)).statusCode())
        .as("other tools are not limited by it").isEqualTo(200);
  }

  @Test
  void toolsListShowsOnlyTheToolsTheCallerMayCall() throws Exception {
    String filtered = h.base() + "/filtered/mcp";
    String reader = token(ada.id(), "https://agent.example.com/client.json", List.of(filtered), "mcp");
    HttpResponse<String> r = h.send(mcp("/filtered/mcp", list()).header("authorization", "Bearer " + reader));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(toolNames(r.body())).containsExactly("lookup_order");
    assertThat(r.headers().firstValue("content-length")).hasValue(Integer.toString(r.body().getBytes(StandardCharsets.UTF_8).length));
    String refunder = token(ada.id(), "https://agent.example.com/client.json", List.of(filtered), "mcp orders.refund");
    assertThat(toolNames(h.send(mcp("/filtered/mcp", list()).header("authorization", "Bearer " + refunder)).body()))
        .containsExactlyInAnyOrder("lookup_order", "refund_order");
    // Unfiltered on a route without the setting.
    String plain = token(ada.id(), "https://agent.example.com/client.json", List.of(resource), "mcp");
    assertThat(toolNames(h.send(mcp("/mcp", list()).header("authorization", "Bearer " + plain)).body())).hasSize(3);
  }

  private static List<String> toolNames(String body) {
    return new JsonObject(body).getJsonObject("result").getJsonArray("tools").stream().map(t -> ((JsonObject) t).getString("name")).toList();
  }

  // ------------------------------------------------------------------ agents without a signed-in user

  @Test
  void anApiKeyRouteOffersOnlyItsListedTools() throws Exception {
    HttpResponse<String> ok = h.send(mcp("/asapp/mcp", call(1, "lookup_order", args())).header("x-api-key", apiKey));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(upstreamSaw(ok.body()).getJsonArray("credential_headers_received", new JsonArray()).isEmpty()).isTrue();
    HttpResponse<String> unlisted = h.send(mcp("/asapp/mcp", refund("x")).header("x-api-key", apiKey));
    assertThat(unlisted.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(unlisted.body()).getString("code")).isEqualTo("mcp_method_denied");
  }

  // ------------------------------------------------------------------ helpers

  private String token(String subject, String clientId, List<String> audience, String scope) {
    var claims = AccessTokens.accessToken(h.gateway.issuer(), subject, clientId, audience, List.of(scope.split(" ")), Instant.now(),
        Duration.ofMinutes(10), Map.of());
    return new JwtIssuer(() -> ring).sign(claims, new JOSEObjectType("at+jwt"));
  }

  private HttpRequest.Builder mcp(String path, JsonObject message) {
    return mcp(path, message.encode());
  }

  private HttpRequest.Builder mcp(String path, String body) {
    return HttpRequest.newBuilder(URI.create(h.base() + path)).POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .header("content-type", "application/json").header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-11-25");
  }

  private static JsonObject call(int id, String tool, JsonObject arguments) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", "tools/call")
        .put("params", new JsonObject().put("name", tool).put("arguments", arguments));
  }

  private static JsonObject refund(String customer) {
    return call(3, "refund_order", new JsonObject().put("order_id", "A-1").put("amount", 5).put("customer_id", customer));
  }

  private static JsonObject args() {
    return new JsonObject().put("order_id", "A-1");
  }

  private static String initialize() {
    return new JsonObject().put("jsonrpc", "2.0").put("id", 0).put("method", "initialize").put("params", new JsonObject()
        .put("protocolVersion", "2025-11-25").put("capabilities", new JsonObject())
        .put("clientInfo", new JsonObject().put("name", "test").put("version", "1"))).encode();
  }

  private static String list() {
    return new JsonObject().put("jsonrpc", "2.0").put("id", 5).put("method", "tools/list").encode();
  }

  /** What the sample server says it saw, from a JSON tools/call answer. */
  private static JsonObject upstreamSaw(String body) {
    JsonObject result = new JsonObject(body).getJsonObject("result");
    String text = result.getJsonArray("content").getJsonObject(0).getString("text");
    return new JsonObject(text).getJsonObject("upstream_saw");
  }

  private AuditEvent audit(HttpResponse<String> r) {
    h.gateway.flushAudit();
    String id = r.headers().firstValue("x-request-id").orElseThrow();
    return h.auditLog.find(id).orElseThrow(() -> new AssertionError("no audit record for " + id));
  }
}
