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
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * What the MCP attack tests share: a real gateway on loopback in front of a hostile upstream that
 * counts what reaches it ({@link HostileMcpUpstream}), users, clients and tokens, and helpers that
 * send requests over HTTP and raw sockets and check that a refusal is clean (right status, no 500,
 * no stack trace, no secret, the upstream not reached).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class McpAttackBase {
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

  // ================================================================== helpers

  String resource(String path) {
    return h.base() + path;
  }

  String adaToken() {
    return adaToken("/mcp");
  }

  /** Ada's token for the MCP route at {@code path}, from an agent known by its metadata document. */
  String adaToken(String path) {
    return token(ada.id(), AGENT, List.of(resource(path)), "mcp");
  }

  String token(String subject, String clientId, List<String> audience, String scope) {
    var claims = AccessTokens.accessToken(h.gateway.issuer(), subject, clientId, audience, List.of(scope.split(" ")), Instant.now(),
        Duration.ofMinutes(10), Map.of());
    return new JwtIssuer(() -> ring).sign(claims, new JOSEObjectType("at+jwt"));
  }

  HttpRequest.Builder base(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.base() + path)).header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream").header("mcp-protocol-version", "2025-11-25");
    return token == null ? b : b.header("authorization", "Bearer " + token);
  }

  HttpRequest.Builder keyRoute() {
    return base("/key/mcp", null).header("x-api-key", apiKey);
  }

  HttpResponse<String> post(String path, String body, String token) throws Exception {
    return h.send(base(path, token).POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  static final String JSON = "Content-Type: application/json";

  static String auth(String token) {
    return "Authorization: Bearer " + token;
  }

  /** Sends a request over a fresh socket (Connection: close) and returns the whole answer. */
  String raw(String method, String path, String body, String... headers) throws IOException {
    return RawHttp.send(h.gateway.port(), request(method, path, body, true, headers), null);
  }

  static String request(String method, String path, String body, boolean close, String... headers) {
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
  static String readOne(InputStream in) throws IOException {
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

  void allowed(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  /** Refused with {@code status}, the upstream not reached, nothing leaked. */
  void refused(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    clean(r);
    assertThat(r.headers().firstValue("x-request-id")).isPresent();
    String id = r.headers().firstValue("x-request-id").orElseThrow();
    assertThat(upstream.last == null || !id.equals(upstream.last.header("x-request-id"))).as("the upstream was reached").isTrue();
  }

  void refusedRaw(String response, int status) {
    assertThat(RawHttp.status(response)).as(response).isEqualTo(status);
    assertThat(response).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain(apiKey);
    String id = response.lines().filter(l -> l.toLowerCase().startsWith("x-request-id:")).map(l -> l.substring(13).strip()).findFirst().orElse(null);
    assertThat(upstream.last == null || id == null || !id.equals(upstream.last.header("x-request-id"))).as("the upstream was reached").isTrue();
  }

  void refusedJsonRpc(HttpResponse<String> r, int status, int code) {
    refused(r, status);
    assertThat(new JsonObject(r.body()).getJsonObject("error").getInteger("code")).as(r.body()).isEqualTo(code);
  }

  void refusedJsonRpc(String response, int status, int code) {
    refusedRaw(response, status);
    String body = response.substring(response.indexOf("\r\n\r\n") + 4);
    assertThat(new JsonObject(body).getJsonObject("error").getInteger("code")).as(body).isEqualTo(code);
  }

  void clean(HttpResponse<String> r) {
    assertThat(r.statusCode()).isNotEqualTo(500);
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain(apiKey);
  }

  static JsonObject call(int id, String tool, JsonObject arguments) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", "tools/call")
        .put("params", new JsonObject().put("name", tool).put("arguments", arguments));
  }

  static String initialize() {
    return new JsonObject().put("jsonrpc", "2.0").put("id", 0).put("method", "initialize").put("params", new JsonObject()
        .put("protocolVersion", "2025-11-25").put("capabilities", new JsonObject())
        .put("clientInfo", new JsonObject().put("name", "attacker").put("version", "1"))).encode();
  }

  static String list() {
    return new JsonObject().put("jsonrpc", "2.0").put("id", 5).put("method", "tools/list").encode();
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static String b64url(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

