package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.token.AccessTokens;
import dev.toolgate.core.token.JwtIssuer;
import dev.toolgate.core.token.KeyRing;
import dev.toolgate.server.store.MasterKey;
import dev.toolgate.server.store.SigningKeyStore;
import dev.toolgate.server.users.PasswordHasher;
import dev.toolgate.server.users.User;
import dev.toolgate.server.users.UserStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An outsider attacking MCP routes over real HTTP (and raw sockets), in front of a hostile upstream
 * that counts what reaches it: parser differentials, header tricks, credentials, sessions, Origin,
 * methods, framing, batches against rate limits and rules, and an upstream that answers badly.
 * Every refusal must be the right status, never a 500 or a stack trace, never echo a secret, and
 * never reach the upstream.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpAttackTest {
  static final String TOOLS = """
        - name: mcp_main
          path: /mcp
          upstream: HOSTILE/mcp
          policy:
            require: [client_token]
            client_token: { scopes: [mcp] }
          mcp:
            allowed_origins: [https://app.example.com]
            stream: { max_duration: 2s }
            methods:
              prompts/get: { deny: true }
            tools:
              refund_order: { scopes: [orders.refund] }
              lookup_order: {}
              limited: { rate_limits: [{ per: client, limit: 2, period: 1h }] }
        - name: mcp_strict
          path: /strict/mcp
          upstream: HOSTILE/mcp
          policy:
            require: [client_token]
            client_token: { scopes: [mcp] }
          mcp:
            unlisted_tools: deny
            tools:
              lookup_order: {}
        - name: mcp_method_rule
          path: /mrule/mcp
          upstream: HOSTILE/mcp
          policy:
            require: [client_token]
            client_token: { scopes: [mcp] }
          mcp:
            methods:
              tools/call: { deny: true }
        - name: mcp_filter
          path: /filter/mcp
          upstream: HOSTILE/mcp
          policy:
            require: [client_token]
            client_token: { scopes: [mcp] }
          mcp:
            filter_tools_list: true
            tools:
              refund_order: { scopes: [orders.refund] }
        - name: mcp_anon
          path: /anon/mcp
          upstream: HOSTILE/mcp
          policy: { anonymous: true }
          mcp: {}
        - name: mcp_key
          path: /key/mcp
          upstream: HOSTILE/mcp
          platform: asapp
          policy: { require: [api_key] }
          mcp:
            tools:
              act_for:
                user: { user_id: { body_field: /user_id }, forward: user_id }
      authorization_server:
        password_hash: { memory_kib: 8192, iterations: 1, parallelism: 1 }
      """;
  static final String AGENT = "https://agent.example.com/client.json";

  HostileMcpUpstream upstream;
  GatewayHarness h;
  KeyRing ring;
  User ada;
  User bob;
  User dora;
  ClientRecord live;
  ClientRecord dead;
  String apiKey;

  @BeforeAll
  void start() throws Exception {
    upstream = new HostileMcpUpstream();
    h = new GatewayHarness(TOOLS.replace("HOSTILE", upstream.url()));
    UserStore users = new UserStore(h.adminDb);
    PasswordHasher hasher = new PasswordHasher(new PasswordHasher.Parameters(8192, 1, 1));
    ada = users.createUser("ada", hasher.hash("ada password 1"));
    bob = users.createUser("bob", hasher.hash("bob password 2"));
    dora = users.setUserDisabled(users.createUser("dora", hasher.hash("dora password 3")).id(), true);
    ClientRecord asapp = h.admin.createClient("asapp-agent", "asapp");
    apiKey = h.admin.createApiKey(asapp.id(), Set.of("*"), null).plaintext();
    live = h.admin.createClient("cc-live", "asapp");
    dead = h.admin.createClient("cc-dead", "asapp");
    h.admin.setClientEnabled(dead.id(), false);
    h.start();
    ring = new SigningKeyStore(h.adminDb, MasterKey.load(h.config.store())).loadKeyRing(Duration.ofHours(24));
  }

  @AfterAll
  void stop() throws Exception {
    if (h != null) {
      h.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  // ================================================================== parser differentials

  @Test
  void aMemberNamedTwiceAtAnyDepthIsRefused() throws Exception {
    String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_order\",\"arguments\":{\"a\":{\"b\":1,\"b\":2}}}}";
    refusedJsonRpc(post("/strict/mcp", body, adaToken("/strict/mcp")), 400, -32700);
    String escaped = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_order\",\"na\\u006de\":\"refund_order\"}}";
    refusedJsonRpc(post("/strict/mcp", escaped, adaToken("/strict/mcp")), 400, -32700);
  }

  @Test
  void anEscapedToolNameIsJudgedAsTheNameItSpells() throws Exception {
    String refund = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"refund\\u005forder\",\"arguments\":{}}}";
    refused(post("/mcp", refund, adaToken()), 403);
    String lookup = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup\\u005Forder\",\"arguments\":{}}}";
    allowed(post("/strict/mcp", lookup, adaToken("/strict/mcp")));
  }

  @Test
  void aByteOrderMarkDoesNotChangeWhatIsJudged() throws Exception {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] body = concat(bom, call(1, "refund_order", new JsonObject()).encode().getBytes(StandardCharsets.UTF_8));
    int before = upstream.hits.get();
    HttpResponse<String> r = h.send(base("/mcp", adaToken()).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    assertThat(r.statusCode()).as(r.body()).isIn(400, 403);
    clean(r);
    assertThat(upstream.hits.get()).isEqualTo(before);
  }

  @Test
  void loneSurrogatesAndBrokenUtf8AreNotAnotherName() throws Exception {
    String escaped = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_order\\ud800\",\"arguments\":{}}}";
    refused(post("/strict/mcp", escaped, adaToken("/strict/mcp")), 403);
    // CESU-8 of a surrogate, an overlong '_', a stray 0xFF: none is UTF-8
    for (byte[] bad : List.of(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xC1, (byte) 0x9F}, new byte[] {(byte) 0xFF})) {
      byte[] body = concat(concat("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"refund".getBytes(StandardCharsets.UTF_8), bad),
          "order\",\"arguments\":{}}}".getBytes(StandardCharsets.UTF_8));
      int before = upstream.hits.get();
      HttpResponse<String> r = h.send(base("/mcp", adaToken()).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
      refusedJsonRpc(r, 400, -32700);
      assertThat(upstream.hits.get()).isEqualTo(before);
    }
  }

  /**
   * BUG (fixed here): McpBody checked the bytes were UTF-8 and then let Jackson parse the bytes, and
   * Jackson guesses UTF-16 from NUL bytes (which are well-formed UTF-8): a UTF-16 body was judged and forwarded.
   */
  @Test
  void aBodyInUtf16IsNotReadAsAnotherEncoding() throws Exception {
    byte[] body = call(1, "lookup_order", new JsonObject()).encode().getBytes(StandardCharsets.UTF_16LE);
    int before = upstream.hits.get();
    HttpResponse<String> r = h.send(base("/strict/mcp", adaToken("/strict/mcp")).setHeader("content-type", "application/json; charset=utf-16le")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    refusedJsonRpc(r, 400, -32700);
    assertThat(upstream.hits.get()).isEqualTo(before);
  }

  @Test
  void hugeNumbersAndDeepNestingAreAnsweredNeverWithA500() throws Exception {
    String huge = "{\"jsonrpc\":\"2.0\",\"id\":" + "9".repeat(2000) + ",\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_order\",\"arguments\":{\"n\":1e999999999}}}";
    HttpResponse<String> r = post("/strict/mcp", huge, adaToken("/strict/mcp"));
    assertThat(r.statusCode()).as(r.body()).isIn(200, 400);
    clean(r);
    String deep = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_order\",\"arguments\":{\"a\":"
        + "[".repeat(200) + "]".repeat(200) + "}}}";
    refusedJsonRpc(post("/strict/mcp", deep, adaToken("/strict/mcp")), 400, -32700);
  }

  @Test
  void anythingButOneJsonValueIsRefused() throws Exception {
    String ok = call(1, "lookup_order", new JsonObject()).encode();
    for (String body : List.of(ok + "x", ok + ok, "/*c*/" + ok, ok.replace("\"id\":1", "\"id\":NaN"), ok.replace("\"id\":1", "\"id\":01"),
        ok.replace("\"lookup_order\"", "'lookup_order'"), ok.substring(0, ok.length() - 1))) {
      refusedJsonRpc(post("/strict/mcp", body, adaToken("/strict/mcp")), 400, -32700);
    }
    for (String body : List.of("\"tools/call\"", "1", "null", "true", "[]", "[[" + ok + "]]", "[1]", "{}", "[" + ok + ",null]")) {
      refusedJsonRpc(post("/strict/mcp", body, adaToken("/strict/mcp")), 400, -32600);
    }
  }

  @Test
  void aBatchOfMoreThan64IsRefusedAndEachElementIsJudged() throws Exception {
    JsonArray batch = new JsonArray();
    for (int i = 0; i < 65; i++) {
      batch.add(new JsonObject().put("jsonrpc", "2.0").put("method", "ping"));
    }
    refusedJsonRpc(post("/mcp", batch.encode(), adaToken()), 400, -32600);
    JsonArray mixed = new JsonArray().add(call(1, "lookup_order", new JsonObject())).add(call(2, "refund_order", new JsonObject()));
    refused(post("/strict/mcp", mixed.encode(), adaToken("/strict/mcp")), 403);
    refused(post("/mcp", mixed.encode(), adaToken()), 403);
  }

  @Test
  void aMessageThatIsBothRequestAndResponseIsJudgedAsTheRequest() throws Exception {
    JsonObject both = call(1, "refund_order", new JsonObject()).put("result", new JsonObject());
    refused(post("/mcp", both.encode(), adaToken()), 403);
    JsonObject responseOnly = new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("result", new JsonObject())
        .put("params", new JsonObject().put("name", "refund_order"));
    // A response carries no method: whatever its params say, no tool is called.
    assertThat(post("/strict/mcp", responseOnly.encode(), adaToken("/strict/mcp")).statusCode()).isIn(200, 202, 400);
  }

  /**
   * Minor BUG (fixed here): a "jsonrpc" or "method" whose value is an object was not skipped, so its
   * members were read as the message's own; refused only by luck, as "more after its JSON value".
   */
  @Test
  void paramsAndNamesOfTheWrongTypeAreRefused() throws Exception {
    for (String body : List.of(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":[\"refund_order\"]}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":\"refund_order\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":7}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":{\"name\":\"refund_order\"}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"arguments\":{\"name\":\"lookup_order\"}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7,\"params\":{\"name\":\"refund_order\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":{\"method\":\"tools/list\"},\"params\":{\"name\":\"refund_order\"}}",
        "{\"jsonrpc\":{\"jsonrpc\":\"2.0\"},\"id\":1,\"method\":\"tools/list\"}",
        "[{\"jsonrpc\":\"2.0\",\"method\":{\"jsonrpc\":\"2.0\",\"method\":\"tools/list\"}}]",
        "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"tools/list\"}",
        "{\"id\":1,\"method\":\"tools/list\"}")) {
      refusedJsonRpc(post("/strict/mcp", body, adaToken("/strict/mcp")), 400, -32600);
    }
    String nameBeside = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"arguments\":{\"name\":\"lookup_order\"},\"name\":\"refund_order\"}}";
    refused(post("/strict/mcp", nameBeside, adaToken("/strict/mcp")), 403);
  }

  /**
   * BUG (fixed here): Go's encoding/json matches member names ignoring case (and folds ſ to s, K to k),
   * the last one winning; segmentio/encoding (go-sdk 1.3.1 to 1.4.0) also read "name\u0000" as "name"
   * (GHSA-wvj2-96wp-fq3f, GHSA-q382-vc8q-7jhj). Toolgate judged the exact spelling and forwarded the rest.
   */
  @Test
  void membersThatCaseInsensitiveOrNulFoldingParsersReadAsAnotherAreRefused() throws Exception {
    for (String body : List.of(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_order\",\"Name\":\"refund_order\",\"arguments\":{}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_order\"},\"Params\":{\"name\":\"refund_order\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_order\"},\"param\\u017f\":{\"name\":\"refund_order\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"METHOD\":\"tools/call\",\"params\":{\"name\":\"refund_order\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_order\",\"name\\u0000\":\"refund_order\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_order\",\"arguments\":{},\"Arguments\":{\"x\":1}}}")) {
      int before = upstream.hits.get();
      HttpResponse<String> r = post("/strict/mcp", body, adaToken("/strict/mcp"));
      assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(400);
      clean(r);
      assertThat(upstream.hits.get()).as(body).isEqualTo(before);
    }
  }

  // ================================================================== header tricks

  @Test
  void mcpHeadersSentTwiceOrBrokenAreRefused() throws Exception {
    String body = call(1, "lookup_order", new JsonObject()).encode();
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, "Mcp-Name: lookup_order", "Mcp-Name: lookup_order"), 400, -32020);
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, "Mcp-Method: tools/call", "Mcp-Method: tools/call"), 400, -32020);
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, "Mcp-Name: =?base64?!!!!?="), 400, -32020);
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, "Mcp-Name: =?base64?bG9va3VwX29yZGVy=?="), 400, -32020); // not canonical
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, "Mcp-Name: =?base64?" + b64("refund_order") + "?="), 400, -32020);
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, "Mcp-Name: =?base64?" + Base64.getEncoder().encodeToString(
        new byte[] {'l', 'o', (byte) 0xC0, (byte) 0xAF}) + "?="), 400, -32020);
    // An unknown version (2025-06-18x) is the MCP server's to refuse, with the versions it supports (conformance: server-stateless).
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, "MCP-Protocol-Version: 2026-07-28"), 400, -32020);
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, "MCP-Protocol-Version: 2025-11-25", "MCP-Protocol-Version: 2026-07-28"), 400, -32020);
    // whitespace around a matching value is HTTP's, not the name's
    assertThat(RawHttp.status(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, "Mcp-Name:    lookup_order   ", "Mcp-Method: tools/call")))
        .isEqualTo(200);
  }

  @Test
  void aFoldedMcpNameLineIsNeverAnotherName() throws Exception {
    String body = call(1, "lookup_order", new JsonObject()).encode();
    int before = upstream.hits.get();
    String r = raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, "Mcp-Name: lookup_order\r\n refund_order");
    assertThat(RawHttp.status(r)).isEqualTo(400);
    assertThat(upstream.hits.get()).isEqualTo(before);
  }

  @Test
  void mcpHeadersOnABatchMustFitEveryElement() throws Exception {
    JsonArray batch = new JsonArray().add(call(1, "lookup_order", new JsonObject())).add(call(2, "lookup_order", new JsonObject()));
    assertThat(RawHttp.status(raw("POST", "/strict/mcp", batch.encode(), auth(adaToken("/strict/mcp")), JSON, "Mcp-Method: tools/call", "Mcp-Name: lookup_order")))
        .isEqualTo(200);
    JsonArray mixed = new JsonArray().add(call(1, "lookup_order", new JsonObject()))
        .add(new JsonObject().put("jsonrpc", "2.0").put("id", 2).put("method", "tools/list"));
    refusedJsonRpc(raw("POST", "/strict/mcp", mixed.encode(), auth(adaToken("/strict/mcp")), JSON, "Mcp-Method: tools/call"), 400, -32020);
    refusedJsonRpc(raw("POST", "/strict/mcp", mixed.encode(), auth(adaToken("/strict/mcp")), JSON, "Mcp-Name: lookup_order"), 400, -32020);
  }

  /**
   * BUG (fixed here): a header spelled with '_' ({@code Mcp_Name}, {@code Mcp_Session_Id}) was neither
   * checked nor removed, and CGI/WSGI/PHP stacks read it as the '-' one: a spoofed Mcp-Name beside a
   * body judged as another tool, or a raw upstream session id beside Toolgate's sealed one.
   */
  @Test
  void mcpHeadersSpelledWithUnderscoresAreRefused() throws Exception {
    String body = call(1, "lookup_order", new JsonObject()).encode();
    for (String header : List.of("Mcp_Name: refund_order", "Mcp_Method: tools/list", "Mcp_Session_Id: up-session-1", "MCP_Protocol_Version: 2026-07-28")) {
      int before = upstream.hits.get();
      String r = raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, header);
      assertThat(RawHttp.status(r)).as(header + " -> " + r).isEqualTo(400);
      assertThat(upstream.hits.get()).as(header).isEqualTo(before);
    }
  }

  // ================================================================== credentials

  @Test
  void aTokenAnywhereButTheAuthorizationHeaderIsNoCredential() throws Exception {
    String token = adaToken();
    JsonObject message = call(1, "lookup_order", new JsonObject().put("access_token", token));
    message.put("access_token", token);
    HttpResponse<String> r = h.send(base("/mcp", null).POST(HttpRequest.BodyPublishers.ofString(message.encode())));
    refused(r, 401);
    assertThat(r.headers().firstValue("www-authenticate").orElseThrow()).contains("resource_metadata=");
    assertThat(r.body()).doesNotContain(token);
    for (String query : List.of("?access_token=" + token, "?access%5Ftoken=" + token, "?a=1&access_token=")) {
      HttpResponse<String> q = post("/mcp" + query, call(1, "lookup_order", new JsonObject()).encode(), token);
      refused(q, 400);
      assertThat(q.body()).doesNotContain(token);
    }
  }

  @Test
  void tokensForAnythingButThisResourceAloneAreRefused() throws Exception {
    String body = call(1, "lookup_order", new JsonObject()).encode();
    refused(post("/mcp", body, token(ada.id(), AGENT, List.of(resource("/mcp"), resource("/strict/mcp")), "mcp")), 401);
    refused(post("/mcp", body, token(ada.id(), AGENT, List.of(resource("/strict/mcp")), "mcp")), 401);
    refused(post("/mcp", body, token(ada.id(), AGENT, List.of(resource("/mcp") + "/"), "mcp")), 401);
    refused(post("/mcp", body, token(ada.id(), AGENT, List.of(resource("/MCP")), "mcp")), 401);
    refused(post("/mcp", body, token(ada.id(), AGENT, List.of(resource("/mcp")), "other")), 403);
  }

  @Test
  void expiredUnsignedAndForeignTokensAreRefused() throws Exception {
    String body = call(1, "lookup_order", new JsonObject()).encode();
    var claims = AccessTokens.accessToken(h.gateway.issuer(), ada.id(), AGENT, List.of(resource("/mcp")), List.of("mcp"),
        Instant.now().minus(Duration.ofHours(3)), Duration.ofMinutes(10), Map.of());
    String expired = new JwtIssuer(() -> ring).sign(claims, new JOSEObjectType("at+jwt"));
    HttpResponse<String> r = post("/mcp", body, expired);
    refused(r, 401);
    assertThat(r.headers().firstValue("www-authenticate").orElseThrow()).contains("invalid_token");
    String payload = adaToken().split("\\.")[1];
    String none = b64url("{\"alg\":\"none\",\"typ\":\"at+jwt\"}") + "." + payload + ".";
    refused(post("/mcp", body, none), 401);
    String[] parts = adaToken().split("\\.");
    refused(post("/mcp", body, parts[0] + "." + b64url(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
        .replace("\"mcp\"", "\"mcp orders.refund\"")) + "." + parts[2]), 401);
    refused(post("/mcp", body, "not-a-jwt"), 401);
  }

  @Test
  void delegatedTokensNeedAnEnabledUserAndAnHttpsMetadataClient() throws Exception {
    String body = call(1, "lookup_order", new JsonObject()).encode();
    refused(post("/mcp", body, token(dora.id(), AGENT, List.of(resource("/mcp")), "mcp")), 401);
    // a subject that is another client's id names no user
    refused(post("/mcp", body, token(live.id(), AGENT, List.of(resource("/mcp")), "mcp")), 401);
    // an http client id is no metadata document, and no registered client
    refused(post("/mcp", body, token(ada.id(), "http://agent.example.com/client.json", List.of(resource("/mcp")), "mcp")), 403);
    // a client_credentials-shaped token (sub = client_id) for an unregistered https client
    refused(post("/mcp", body, token(AGENT, AGENT, List.of(resource("/mcp")), "mcp")), 403);
    // a client_credentials token of a disabled client
    refused(post("/mcp", body, token(dead.id(), dead.id(), List.of(resource("/mcp")), "mcp")), 403);
    allowed(post("/mcp", body, token(live.id(), live.id(), List.of(resource("/mcp")), "mcp")));
  }

  @Test
  void noCredentialAndNoClaimedIdentityReachesTheUpstream() throws Exception {
    String token = adaToken();
    HttpResponse<String> r = h.send(base("/mcp", token).header("x-toolgate-user", bob.id()).header("x-toolgate-client", "evil")
        .header("x-api-key", apiKey).header("cookie", "a=b").POST(HttpRequest.BodyPublishers.ofString(call(1, "lookup_order", new JsonObject()).encode())));
    allowed(r);
    HostileMcpUpstream.Seen seen = upstream.last;
    assertThat(seen.header("authorization")).isNull();
    assertThat(seen.header("x-api-key")).isNull();
    assertThat(seen.folded("x-toolgate-user")).containsExactly(ada.id());
    assertThat(seen.folded("x-toolgate-client")).containsExactly(AGENT);
    assertThat(new String(seen.body(), StandardCharsets.UTF_8)).doesNotContain(token);
    String underscored = raw("POST", "/mcp", call(1, "lookup_order", new JsonObject()).encode(), auth(token), JSON, "X_Toolgate_User: " + bob.id());
    assertThat(RawHttp.status(underscored)).isIn(200, 400);
    if (RawHttp.status(underscored) == 200) {
      assertThat(upstream.last.folded("x-toolgate-user")).containsExactly(ada.id());
    }
  }

  // ================================================================== sessions

  @Test
  void aSessionOpensOnlyForItsRouteClientAndUser() throws Exception {
    HttpResponse<String> init = post("/mcp", initialize(), adaToken());
    allowed(init);
    String session = init.headers().firstValue("mcp-session-id").orElseThrow();
    assertThat(session).doesNotContain("up-session");
    assertThat(init.headers().allValues("mcp-session-id")).hasSize(1);
    allowed(h.send(base("/mcp", adaToken()).header("mcp-session-id", session).POST(HttpRequest.BodyPublishers.ofString(list()))));
    assertThat(upstream.last.header("mcp-session-id")).startsWith("up-session-");

    refused(h.send(base("/strict/mcp", adaToken("/strict/mcp")).header("mcp-session-id", session).POST(HttpRequest.BodyPublishers.ofString(list()))), 404);
    refused(h.send(base("/mcp", token(ada.id(), "https://other.example.com/c.json", List.of(resource("/mcp")), "mcp"))
        .header("mcp-session-id", session).POST(HttpRequest.BodyPublishers.ofString(list()))), 404);
    refused(h.send(base("/mcp", token(bob.id(), AGENT, List.of(resource("/mcp")), "mcp"))
        .header("mcp-session-id", session).POST(HttpRequest.BodyPublishers.ofString(list()))), 404);
    refusedRaw(raw("POST", "/mcp", list(), auth(adaToken()), JSON, "Mcp-Session-Id: " + session, "Mcp-Session-Id: " + session), 404);
    refusedRaw(raw("POST", "/mcp", list(), auth(adaToken()), JSON, "Mcp-Session-Id: up-session-1"), 404);
    refusedRaw(raw("POST", "/mcp", list(), auth(adaToken()), JSON, "Mcp-Session-Id: " + session.substring(0, session.length() - 2) + "AA"), 404);
    refusedRaw(raw("POST", "/mcp", list(), auth(adaToken()), JSON, "Mcp-Session-Id: " + "a".repeat(6000)), 404);
    String huge = raw("POST", "/mcp", list(), auth(adaToken()), JSON, "Mcp-Session-Id: " + "a".repeat(40_000));
    assertThat(RawHttp.status(huge)).isIn(400, 404, 413, 431);
    // the stream and a session's end are bound the same way
    refusedRaw(raw("DELETE", "/mcp", null, auth(token(bob.id(), AGENT, List.of(resource("/mcp")), "mcp")), "Mcp-Session-Id: " + session), 404);
    refusedRaw(raw("GET", "/mcp", null, auth(token(bob.id(), AGENT, List.of(resource("/mcp")), "mcp")), "Mcp-Session-Id: " + session,
        "Accept: text/event-stream"), 404);
  }

  @Test
  void anAnonymousRoutesSessionsAreItsOwn() throws Exception {
    HttpResponse<String> init = h.send(base("/anon/mcp", null).POST(HttpRequest.BodyPublishers.ofString(initialize())));
    allowed(init);
    String session = init.headers().firstValue("mcp-session-id").orElseThrow();
    allowed(h.send(base("/anon/mcp", null).header("mcp-session-id", session).POST(HttpRequest.BodyPublishers.ofString(list()))));
    refused(h.send(base("/mcp", adaToken()).header("mcp-session-id", session).POST(HttpRequest.BodyPublishers.ofString(list()))), 404);
    refused(h.send(base("/anon/mcp", null).header("mcp-session-id", "1.abc").POST(HttpRequest.BodyPublishers.ofString(list()))), 404);
  }

  /**
   * A session is bound to who the credentials name, not to the user a message's rule binds and
   * forwards: on an API-key route an initialize binds no user, and a later call of a tool that binds
   * one still belongs to the session.
   */
  @Test
  void aSessionSurvivesACallOfAToolThatBindsAUser() throws Exception {
    HttpResponse<String> init = h.send(keyRoute().POST(HttpRequest.BodyPublishers.ofString(initialize())));
    allowed(init);
    String session = init.headers().firstValue("mcp-session-id").orElseThrow();
    HttpResponse<String> act = h.send(keyRoute().header("mcp-session-id", session)
        .POST(HttpRequest.BodyPublishers.ofString(call(1, "act_for", new JsonObject().put("user_id", ada.id())).encode())));
    assertThat(act.statusCode()).as(act.body()).isEqualTo(200);
  }

  // ================================================================== Origin

  @Test
  void onlyTheAllowedOriginsPass() throws Exception {
    for (String origin : List.of("null", "https://evil.example", "https://app.example.com.evil.example", "https://app.example.com:8443",
        "http://app.example.com", "https://app.example.com@evil.example", "file://", "https://", "app.example.com")) {
      refusedRaw(raw("POST", "/mcp", list(), auth(adaToken()), JSON, "Origin: " + origin), 403);
    }
    refusedRaw(raw("POST", "/mcp", list(), auth(adaToken()), JSON, "Origin: https://app.example.com", "Origin: https://evil.example"), 403);
    refusedRaw(raw("POST", "/mcp", list(), auth(adaToken()), JSON, "Origin: https://app.example.com", "Origin: https://app.example.com"), 403);
    for (String origin : List.of("https://APP.example.com", "https://app.example.com:443", h.base())) {
      assertThat(RawHttp.status(raw("POST", "/mcp", list(), auth(adaToken()), JSON, "Origin: " + origin))).as(origin).isEqualTo(200);
    }
  }

  // ================================================================== methods, content types, framing

  @Test
  void onlyPostGetAndDeleteAreAccepted() throws Exception {
    for (String method : List.of("PUT", "PATCH", "OPTIONS", "TRACE", "PROPFIND")) {
      String r = raw(method, "/mcp", list(), auth(adaToken()));
      refusedRaw(r, 405);
      assertThat(r.toLowerCase()).contains("allow: post, get, delete");
    }
    int before = upstream.hits.get();
    String head = raw("HEAD", "/mcp", null, auth(adaToken()));
    assertThat(RawHttp.status(head)).isEqualTo(405);
    assertThat(upstream.hits.get()).isEqualTo(before);
  }

  /**
   * BUG (fixed here): GET and DELETE were judged by the route's own policy whatever their body said,
   * and the body went upstream: a tools/call of a denied or scoped tool rode on a GET or DELETE.
   */
  @Test
  void aGetOrDeleteWithABodyIsRefused() throws Exception {
    String refund = call(1, "refund_order", new JsonObject()).encode();
    refusedRaw(raw("GET", "/mcp", refund, auth(adaToken()), JSON, "Accept: text/event-stream"), 400);
    refusedRaw(raw("DELETE", "/mcp", refund, auth(adaToken()), JSON), 400);
    String denied = call(1, "anything", new JsonObject()).encode();
    refusedRaw(raw("DELETE", "/mrule/mcp", denied, auth(adaToken("/mrule/mcp")), JSON), 400);
  }

  @Test
  void aMessageIsJsonAsSentOrRefused() throws Exception {
    String body = call(1, "lookup_order", new JsonObject()).encode();
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), "Content-Type: text/plain"), 400, -32600);
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp"))), 400, -32600);
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, "Content-Encoding: gzip"), 400, -32600);
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, JSON), 400, -32600);
    refusedJsonRpc(raw("POST", "/strict/mcp", "", auth(adaToken("/strict/mcp")), JSON), 400, -32600);
  }

  @Test
  void chunkedHttp10AndPipelinedRequestsAreJudgedAlike() throws Exception {
    String refund = call(1, "refund_order", new JsonObject()).encode();
    String lookup = call(1, "lookup_order", new JsonObject()).encode();
    int before = upstream.hits.get();
    String chunked = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n" + auth(adaToken())
        + "\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(10) + "\r\n" + refund.substring(0, 10) + "\r\n"
        + Integer.toHexString(refund.length() - 10) + "\r\n" + refund.substring(10) + "\r\n0\r\n\r\n";
    refusedRaw(RawHttp.send(h.gateway.port(), chunked, null), 403);
    String both = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + auth(adaToken())
        + "\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n";
    refusedRaw(RawHttp.send(h.gateway.port(), both, null), 400);
    String http10 = "POST /mcp HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + auth(adaToken())
        + "\r\nContent-Length: " + refund.length() + "\r\n\r\n" + refund;
    refusedRaw(RawHttp.send(h.gateway.port(), http10, null), 403);
    assertThat(upstream.hits.get()).isEqualTo(before);

    try (Socket s = new Socket("127.0.0.1", h.gateway.port())) {
      s.setSoTimeout(10_000);
      String first = request("POST", "/mcp", lookup, false, auth(adaToken()), JSON);
      String second = request("POST", "/mcp", refund, true, auth(adaToken()), JSON);
      OutputStream out = s.getOutputStream();
      out.write((first + second).getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      assertThat(RawHttp.status(readOne(in))).isEqualTo(200);
      String refusedSecond = readOne(in);
      assertThat(RawHttp.status(refusedSecond)).as(refusedSecond).isEqualTo(403);
    }
    assertThat(upstream.hits.get()).isEqualTo(before + 1);
  }

  // ================================================================== batches against limits and rules

  @Test
  void aBatchCannotOutrunARateLimit() throws Exception {
    String token = token(ada.id(), "https://agent.example.com/limits.json", List.of(resource("/mcp")), "mcp");
    JsonArray three = new JsonArray();
    for (int i = 0; i < 3; i++) {
      three.add(call(i, "limited", new JsonObject()));
    }
    refused(post("/mcp", three.encode(), token), 429);
    String other = token(ada.id(), "https://agent.example.com/limits2.json", List.of(resource("/mcp")), "mcp");
    allowed(post("/mcp", new JsonArray().add(call(1, "limited", new JsonObject())).add(call(2, "limited", new JsonObject())).encode(), other));
    refused(post("/mcp", call(3, "limited", new JsonObject()).encode(), other), 429);
  }

  @Test
  void unlistedToolsStayDeniedInBatchesAndUnderOtherMethods() throws Exception {
    JsonArray batch = new JsonArray().add(new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "tools/list"))
        .add(call(2, "refund_order", new JsonObject()));
    refused(post("/strict/mcp", batch.encode(), adaToken("/strict/mcp")), 403);
    refused(post("/strict/mcp", new JsonArray().add(call(2, "refund_order", new JsonObject())).encode(), adaToken("/strict/mcp")), 403);
    String prompt = new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "prompts/get").put("params", new JsonObject().put("name", "x")).encode();
    refused(post("/mcp", new JsonArray().add(new JsonObject(list())).add(new JsonObject(prompt)).encode(), adaToken()), 403);
  }

  /** BUG (fixed here): a rule for the method tools/call (mcp.methods) was accepted by the configuration and never applied. */
  @Test
  void aRuleForTheMethodToolsCallApplies() throws Exception {
    refused(post("/mrule/mcp", call(1, "lookup_order", new JsonObject()).encode(), adaToken("/mrule/mcp")), 403);
    allowed(post("/mrule/mcp", list(), adaToken("/mrule/mcp")));
  }

  /**
   * BUG (fixed here): each message of a batch was judged for its own user and the upstream got the
   * last one's in X-Toolgate-User: one request acted for two users under one identity header.
   */
  @Test
  void aBatchActsForOneUserOnly() throws Exception {
    JsonArray two = new JsonArray().add(call(1, "act_for", new JsonObject().put("user_id", ada.id())))
        .add(call(2, "act_for", new JsonObject().put("user_id", bob.id())));
    HttpResponse<String> r = h.send(keyRoute().POST(HttpRequest.BodyPublishers.ofString(two.encode())));
    refused(r, 403);
    JsonArray same = new JsonArray().add(call(1, "act_for", new JsonObject().put("user_id", ada.id())))
        .add(call(2, "act_for", new JsonObject().put("user_id", ada.id())));
    allowed(h.send(keyRoute().POST(HttpRequest.BodyPublishers.ofString(same.encode()))));
    assertThat(upstream.last.folded("x-toolgate-user")).containsExactly(ada.id());
  }

  /** mcp.filter_tools_list: a caller sees only the tools it may call. */
  @Test
  void aFilteredToolsListShowsOnlyTheToolsTheCallerMayCall() throws Exception {
    HttpResponse<String> r = h.send(base("/filter/mcp", adaToken("/filter/mcp")).header("x-hostile-mode", "tool-list")
        .POST(HttpRequest.BodyPublishers.ofString(list())));
    allowed(r);
    assertThat(r.body()).contains("lookup_order").doesNotContain("refund_order");
  }

  /**
   * Through the decision API (nginx auth_request, Envoy ext_authz) the proxy forwards the call itself,
   * with the caller's Authorization and the session id as the caller sent it: Toolgate could neither
   * keep the token from the MCP server nor seal its sessions, so MCP routes are refused there.
   */
  @Test
  void theDecisionApiDoesNotAllowAnMcpCallItCannotProtect() throws Exception {
    HttpResponse<String> r = h.send(HttpRequest.newBuilder(URI.create(h.base() + "/decisions")).header("X-Original-URI", "/mcp")
        .header("X-Original-Method", "GET").header("accept", "text/event-stream").header("authorization", "Bearer " + adaToken()));
    assertThat(r.statusCode()).as(r.body()).isNotEqualTo(200);
  }

  // ================================================================== a hostile upstream

  @Test
  void anUpstreamsOddSessionIdsAreSealedAndGivenBackAsSent() throws Exception {
    HttpResponse<String> weird = h.send(base("/mcp", adaToken()).header("x-hostile-mode", "weird-session")
        .POST(HttpRequest.BodyPublishers.ofString(list())));
    allowed(weird);
    String sealed = weird.headers().firstValue("mcp-session-id").orElseThrow();
    assertThat(sealed).matches("[0-9a-f]+\\.[A-Za-z0-9_-]+");
    allowed(h.send(base("/mcp", adaToken()).header("mcp-session-id", sealed).POST(HttpRequest.BodyPublishers.ofString(list()))));
    assertThat(upstream.last.folded("mcp-session-id")).containsExactly("a b,\"c\";=d/e\\f");

    HttpResponse<String> two = h.send(base("/mcp", adaToken()).header("x-hostile-mode", "two-sessions")
        .POST(HttpRequest.BodyPublishers.ofString(list())));
    allowed(two);
    assertThat(two.headers().allValues("mcp-session-id")).hasSize(1).noneMatch(v -> v.contains("one"));
  }

  @Test
  void aSwitchingProtocolsOrOversizedAnswerIsABadGateway() throws Exception {
    for (String mode : List.of("switching", "huge-header")) {
      HttpResponse<String> r = h.send(base("/mcp", adaToken()).header("x-hostile-mode", mode).POST(HttpRequest.BodyPublishers.ofString(list())));
      assertThat(r.statusCode()).as(mode + ": " + r.body()).isEqualTo(502);
      clean(r);
    }
  }

  /**
   * BUG (fixed here): at mcp.stream.max_duration the upstream was reset first, and the reset's
   * exception handler closed the caller's connection before the stream's end was written: the client
   * got a broken chunked stream instead of a clean end it can resume from.
   */
  @Test
  void aNeverEndingEventStreamEndsAtItsMaximumAndTheUpstreamIsCutOff() throws Exception {
    upstream.streamCut = new java.util.concurrent.CountDownLatch(1);
    HttpResponse<String> r = h.http.send(base("/mcp", adaToken()).header("x-hostile-mode", "sse-forever")
        .header("accept", "application/json, text/event-stream").timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(list())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
    assertThat(r.body()).contains("data: {\"n\":0}");
    assertThat(upstream.streamCut.await(20, TimeUnit.SECONDS)).as("the upstream's stream was cut off").isTrue();
  }

  // ================================================================== helpers

  private String resource(String path) {
    return h.base() + path;
  }

  private String adaToken() {
    return adaToken("/mcp");
  }

  /** Ada's token for the MCP route at {@code path}, from an agent known by its metadata document. */
  private String adaToken(String path) {
    return token(ada.id(), AGENT, List.of(resource(path)), "mcp");
  }

  private String token(String subject, String clientId, List<String> audience, String scope) {
    var claims = AccessTokens.accessToken(h.gateway.issuer(), subject, clientId, audience, List.of(scope.split(" ")), Instant.now(),
        Duration.ofMinutes(10), Map.of());
    return new JwtIssuer(() -> ring).sign(claims, new JOSEObjectType("at+jwt"));
  }

  private HttpRequest.Builder base(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.base() + path)).header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream").header("mcp-protocol-version", "2025-11-25");
    return token == null ? b : b.header("authorization", "Bearer " + token);
  }

  private HttpRequest.Builder keyRoute() {
    return base("/key/mcp", null).header("x-api-key", apiKey);
  }

  private HttpResponse<String> post(String path, String body, String token) throws Exception {
    return h.send(base(path, token).POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  private static final String JSON = "Content-Type: application/json";

  private static String auth(String token) {
    return "Authorization: Bearer " + token;
  }

  /** Sends a request over a fresh socket (Connection: close) and returns the whole answer. */
  private String raw(String method, String path, String body, String... headers) throws IOException {
    return RawHttp.send(h.gateway.port(), request(method, path, body, true, headers), null);
  }

  private static String request(String method, String path, String body, boolean close, String... headers) {
    StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    if (close) {
      head.append("Connection: close\r\n");
    }
    for (String header : headers) {
      head.append(header).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
    }
    head.append("\r\n");
    return head + (body == null ? "" : body);
  }

  /** One response with a Content-Length body from a connection that stays open. */
  private static String readOne(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      head.write(c);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).strip());
      }
    }
    return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  private void allowed(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  /** Refused with {@code status}, the upstream not reached, nothing leaked. */
  private void refused(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    clean(r);
    assertThat(r.headers().firstValue("x-request-id")).isPresent();
    String id = r.headers().firstValue("x-request-id").orElseThrow();
    assertThat(upstream.last == null || !id.equals(upstream.last.header("x-request-id"))).as("the upstream was reached").isTrue();
  }

  private void refusedRaw(String response, int status) {
    assertThat(RawHttp.status(response)).as(response).isEqualTo(status);
    assertThat(response).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain(apiKey);
    String id = response.lines().filter(l -> l.toLowerCase().startsWith("x-request-id:")).map(l -> l.substring(13).strip()).findFirst().orElse(null);
    assertThat(upstream.last == null || id == null || !id.equals(upstream.last.header("x-request-id"))).as("the upstream was reached").isTrue();
  }

  private void refusedJsonRpc(HttpResponse<String> r, int status, int code) {
    refused(r, status);
    assertThat(new JsonObject(r.body()).getJsonObject("error").getInteger("code")).as(r.body()).isEqualTo(code);
  }

  private void refusedJsonRpc(String response, int status, int code) {
    refusedRaw(response, status);
    String body = response.substring(response.indexOf("\r\n\r\n") + 4);
    assertThat(new JsonObject(body).getJsonObject("error").getInteger("code")).as(body).isEqualTo(code);
  }

  private void clean(HttpResponse<String> r) {
    assertThat(r.statusCode()).isNotEqualTo(500);
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain(apiKey);
  }

  private static JsonObject call(int id, String tool, JsonObject arguments) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", "tools/call")
        .put("params", new JsonObject().put("name", tool).put("arguments", arguments));
  }

  private static String initialize() {
    return new JsonObject().put("jsonrpc", "2.0").put("id", 0).put("method", "initialize").put("params", new JsonObject()
        .put("protocolVersion", "2025-11-25").put("capabilities", new JsonObject())
        .put("clientInfo", new JsonObject().put("name", "attacker").put("version", "1"))).encode();
  }

  private static String list() {
    return new JsonObject().put("jsonrpc", "2.0").put("id", 5).put("method", "tools/list").encode();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String b64url(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
