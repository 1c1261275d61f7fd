package dev.toolgate.server.admin;

import static dev.toolgate.server.admin.AdminApiHarness.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.port.ClientRecord;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What {@code POST /admin/tool-calls/test} refuses before anything is sent: requests aimed elsewhere
 * than the tool on Toolgate's own port (absolute URLs, {@code //host}, dot segments, CR/LF, a Host
 * header), headers that would reframe the call or claim another client address, fields that do not
 * fit the tool, unknown tools, clients and users, and roles that may not operate. After every test,
 * neither the upstream nor another server on loopback has been reached.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ToolCallTestHostileTest {
  TestCallHarness h;
  EchoUpstream elsewhere;
  int upstreamHits;

  @BeforeAll
  void start() throws Exception {
    h = new TestCallHarness(TestCallHarness.TOOLS, "  trusted_proxies: [127.0.0.1/32]\n  client_ip_header: x-client-address\n");
    elsewhere = new EchoUpstream();
  }

  @AfterAll
  void stop() {
    h.close();
    elsewhere.close();
  }

  @BeforeEach
  void count() {
    upstreamHits = h.upstream.hits.get();
  }

  @AfterEach
  void nothingWasSent() {
    assertThat(h.upstream.hits.get()).isEqualTo(upstreamHits);
    assertThat(elsewhere.hits.get()).isZero();
  }

  private JsonObject staticCall() {
    return new JsonObject().put("tool", "static").put("path", "/static/1")
        .put("credential", new JsonObject().put("kind", "static_token").put("value", "tgt_not-a-real-token")).put("body", "{}");
  }

  private void refused(JsonObject body, String detailPart) {
    HttpResponse<String> r = h.test(body);
    assertProblem(r, 400, "invalid_request");
    assertThat(new JsonObject(r.body()).getString("detail")).contains(detailPart);
    assertThat(r.body()).doesNotContain("tgt_not-a-real-token");
  }

  @Test
  void pathsThatLeaveTheToolAreRefused() {
    String other = elsewhere.url(); // http://127.0.0.1:<port>
    for (String path : List.of(other + "/static/1", "//" + other.substring("http://".length()) + "/static/1", "/static/../signed",
        "/static/%2e%2e/signed", "/static/1/../../signed", "/static/1?x=1", "/static/1#top", "/static/1\r\nHost: evil", "static/1",
        "/static/1 HTTP/1.1", "/static/%0d%0a")) {
      refused(staticCall().put("path", path), "path");
    }
    refused(staticCall().put("path", "/signed"), "does not route to tool static");
    refused(staticCall().put("path", "/static/1/more"), "does not route to tool static");
    JsonObject noPath = staticCall();
    noPath.remove("path");
    refused(noPath, "path is required");
  }

  @Test
  void headersThatReframeTheCallOrPoseAsAnotherAddressAreRefused() {
    for (String name : List.of("Host", "host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "TE", "Expect",
        "Trailer", "Proxy-Authorization")) {
      refused(staticCall().put("headers", new JsonObject().put(name, "x")), "set by Toolgate");
    }
    for (String name : List.of("X-Forwarded-For", "x_forwarded_for", "X-Forwarded-Host", "Forwarded", "X-Real-IP", "True-Client-IP",
        "x-client-address")) {
      refused(staticCall().put("headers", new JsonObject().put(name, "203.0.113.9")), "another client address");
    }
  }

  @Test
  void controlCharactersInHeaderNamesAndValuesAreRefused() {
    refused(staticCall().put("headers", new JsonObject().put("X-A\r\nHost", "evil")), "is not a header name");
    refused(staticCall().put("headers", new JsonObject().put("X-A: b", "c")), "is not a header name");
    refused(staticCall().put("headers", new JsonObject().put("", "c")), "is not a header name");
    refused(staticCall().put("headers", new JsonObject().put("X-A", "ok\r\nHost: evil")), "no CR, LF");
    refused(staticCall().put("headers", new JsonObject().put("X-A", "nul\u0000")), "no CR, LF");
    refused(staticCall().put("headers", new JsonObject().put("X-A", "caf\u00e9")), "printable ASCII");
    refused(staticCall().put("query", "a=b c"), "query");
    refused(staticCall().put("query", "a=1#frag"), "query");
    refused(staticCall().put("query", "a=%zz"), "query");
  }

  @Test
  void theCredentialMustFitTheTool() {
    refused(staticCall().put("credential", new JsonObject().put("kind", "signature")), "does not take signature; it takes static_token, none");
    refused(staticCall().put("credential", new JsonObject().put("kind", "static_token")), "credential.value is required");
    refused(new JsonObject().put("tool", "signed").put("client_id", "cl_x")
        .put("credential", new JsonObject().put("kind", "signature").put("value", "x")), "credential.value is only for");
    refused(new JsonObject().put("tool", "signed").put("credential", new JsonObject().put("kind", "signature")), "client_id is required");
    refused(new JsonObject().put("tool", "customer").put("path", "/customer/u/orders")
        .put("credential", new JsonObject().put("kind", "customer_token")), "credential.user_id is required");
    refused(staticCall().put("credential", new JsonObject().put("kind", "static_token").put("value", "tgt_not-a-real-token").put("user_id", "usr_x")),
        "takes no customer token");
    refused(staticCall().put("headers", new JsonObject().put("Authorization", "Bearer mine")), "set by the credential (static_token)");
    refused(staticCall().put("credential", new JsonObject().put("kind", "static_token").put("value", "tgt two words")), "printable ASCII");
    refused(staticCall().put("method", "GET"), "takes POST, not GET");
    refused(staticCall().put("method", "CONNECT"), "method must be one of");
  }

  @Test
  void malformedBodiesAreRefusedNamingTheField() {
    refused(staticCall().put("headrs", new JsonObject()), "headrs is not a field of a test call");
    refused(staticCall().put("credential", new JsonObject().put("kind", "none").put("secret", "x")), "credential.secret is not a field");
    refused(staticCall().put("credential", "static_token"), "credential must be an object");
    refused(staticCall().put("credential", new JsonObject().put("kind", "password")), "credential.kind must be one of");
    refused(staticCall().put("tool", 7), "tool must be a string");
    refused(staticCall().put("headers", new JsonObject().put("X-A", 1)), "headers.X-A must be a string");
    refused(staticCall().put("headers", "X-A: 1"), "headers must be an object");
    refused(staticCall().put("body", new JsonObject()), "body must be a string");
    refused(staticCall().put("path", "/" + "a".repeat(9000)), "path must be 1 to 8192 characters");
    assertProblem(h.call("POST", "/admin/tool-calls/test", "[1]", AdminRole.OPERATOR), 400, "invalid_request");
    assertProblem(h.call("POST", "/admin/tool-calls/test", "{", AdminRole.OPERATOR), 400, "invalid_request");
    assertProblem(h.call("POST", "/admin/tool-calls/test", staticCall().put("body", "x".repeat(20_000)).encode(), AdminRole.OPERATOR),
        413, "body_too_large");
  }

  @Test
  void unknownToolsClientsAndUsersAre404() {
    assertProblem(h.test(staticCall().put("tool", "nope")), 404, "not_found");
    assertProblem(h.test(new JsonObject().put("tool", "signed").put("client_id", "cl_nope")
        .put("credential", new JsonObject().put("kind", "signature"))), 404, "not_found");
    assertProblem(h.test(new JsonObject().put("tool", "customer").put("path", "/customer/u/orders")
        .put("credential", new JsonObject().put("kind", "customer_token").put("user_id", "usr_nope"))), 404, "not_found");
  }

  @Test
  void aClientWithoutASigningSecretIsAConflict() {
    ClientRecord client = h.credentials.createClient("no-secret-bot", "sendbird");
    assertProblem(h.test(new JsonObject().put("tool", "signed").put("client_id", client.id())
        .put("credential", new JsonObject().put("kind", "signature"))), 409, "conflict");
  }

  @Test
  void onlyRolesThatOperateMayTest() {
    String body = staticCall().encode();
    assertProblem(h.call("POST", "/admin/tool-calls/test", body, AdminRole.READ_ONLY), 403, "admin_role_forbidden");
    assertProblem(h.call("POST", "/admin/tool-calls/test", body, AdminRole.TOKEN_MINTER), 403, "admin_role_forbidden");
    assertProblem(h.call("POST", "/admin/tool-calls/test", body, null), 401, "admin_token_invalid");
  }

  @Test
  void rawRequestsAimedElsewhereAreRefused() throws Exception {
    String target = elsewhere.url().substring("http://".length());
    // Escapes a client library would never produce in a JSON body it builds: CR LF spelt out, a Host header, an absolute URL.
    String json = "{\"tool\":\"static\",\"path\":\"http://" + target + "/static/1\",\"credential\":{\"kind\":\"none\"},"
        + "\"headers\":{\"Host\":\"" + target + "\",\"X-A\":\"1\\r\\nHost: " + target + "\"}}";
    assertThat(raw("POST", "/admin/tool-calls/test", json)).startsWith("HTTP/1.1 400");
    String inHeader = "{\"tool\":\"static\",\"path\":\"/static/1\",\"credential\":{\"kind\":\"none\"},\"headers\":{\"X-A\":\"1\\r\\nHost: evil\"}}";
    assertThat(raw("POST", "/admin/tool-calls/test", inHeader)).startsWith("HTTP/1.1 400").contains("no CR, LF");
    // The admin route itself cannot be reached by a path a client would have normalized.
    assertThat(raw("POST", "/admin/tools/../tool-calls/test", inHeader)).startsWith("HTTP/1.1 400");
  }

  /** One hand-written HTTP/1.1 request as the operator; the whole answer. */
  private String raw(String method, String target, String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket("127.0.0.1", h.gateway.port())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + h.tokens.get(AdminRole.OPERATOR)
          + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
