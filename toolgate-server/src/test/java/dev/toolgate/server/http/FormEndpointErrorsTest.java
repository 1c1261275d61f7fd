package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.admin.AdminTokenStore;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Broken form bodies and query strings on Toolgate's own endpoints: 400 {@code invalid_request} in
 * each endpoint's error format, at most one log line per request and never a stack trace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FormEndpointErrorsTest {
  static final List<String> FORM_ENDPOINTS = List.of(
      "/oauth/token", "/oauth/access_token", "/oauth/introspect", "/oauth/revoke", "/auth/customer_authenticate");
  static final List<byte[]> BAD_BODIES = List.of(
      ascii("grant_type=client_credentials&x=%zz"),
      ascii("%"),
      ascii("%4"),
      ascii("x=%C3%28"), // an escape of bytes that are not UTF-8
      ascii("username=ada&password=%E2%82"),
      ascii("token=abc&%zz=1"),
      new byte[] {'x', '=', (byte) 0xC3, (byte) 0x28}); // the same bytes unescaped

  GatewayHarness h;
  String adminToken;

  @BeforeAll
  void start() throws Exception {
    h = new GatewayHarness("""
          - name: anon
            method: GET
            path: /anon
            upstream: UPSTREAM
            policy: { anonymous: true }
        """);
    adminToken = new AdminTokenStore(h.adminDb).create("ops", null).plaintext();
    h.start();
  }

  @AfterAll
  void stop() {
    h.close();
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  String post(String target, byte[] body, String... headers) throws Exception {
    StringBuilder head = new StringBuilder("POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n");
    for (String header : headers) {
      head.append(header).append("\r\n");
    }
    head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
    return RawHttp.send(h.gateway.port(), head.toString(), body);
  }

  static JsonObject json(String response) {
    assertThat(response).containsIgnoringCase("content-type: application/json");
    return new JsonObject(response.substring(response.indexOf("\r\n\r\n") + 4));
  }

  static void assertNoStackTraceAndAtMostOneLinePerRequest(ServerLog log, int requests) {
    List<String> lines = log.lines();
    assertThat(lines).as("server log").noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception") || l.contains("Caused by"));
    assertThat(lines.size()).as("server log lines: %s", lines).isLessThanOrEqualTo(requests);
  }

  @Test
  void aBrokenFormBodyIsInvalidRequestOnEveryFormEndpointWithoutAStackTrace() throws Exception {
    List<String> failures = new ArrayList<>();
    int requests = 0;
    try (ServerLog log = ServerLog.capture()) {
      for (String endpoint : FORM_ENDPOINTS) {
        for (byte[] body : BAD_BODIES) {
          String response = post(endpoint, body);
          requests++;
          String what = endpoint + " " + new String(body, StandardCharsets.ISO_8859_1);
          if (RawHttp.status(response) != 400 || !"invalid_request".equals(json(response).getString("error"))) {
            failures.add(what + " -> " + response);
          }
        }
      }
      assertThat(failures).isEmpty();
      assertNoStackTraceAndAtMostOneLinePerRequest(log, requests);
    }
  }

  @Test
  void aBrokenQueryStringIsInvalidRequestAndIsAnswered() throws Exception {
    try (ServerLog log = ServerLog.capture()) {
      for (String target : List.of("/oauth/token?x=%zz", "/oauth/access_token?grant_type=%C3%28", "/oauth/introspect?%", "/oauth/revoke?a=%4")) {
        String response = post(target, ascii("grant_type=client_credentials"));
        assertThat(RawHttp.status(response)).as(target + " -> " + response).isEqualTo(400);
        assertThat(json(response).getString("error")).isEqualTo("invalid_request");
      }
      assertNoStackTraceAndAtMostOneLinePerRequest(log, 4);
    }
  }

  @Test
  void aFormBodyOverTheLimitIsRefusedInTheEndpointsFormat() throws Exception {
    try (ServerLog log = ServerLog.capture()) {
      String token = post("/oauth/token", ascii("a=" + "x".repeat(70_000)));
      assertThat(RawHttp.status(token)).isEqualTo(413);
      assertThat(json(token).getString("error")).isEqualTo("invalid_request");
      String login = post("/auth/customer_authenticate", ascii("username=" + "x".repeat(9_000)));
      assertThat(RawHttp.status(login)).isEqualTo(400);
      assertThat(json(login).getString("error")).isEqualTo("invalid_request");
      assertNoStackTraceAndAtMostOneLinePerRequest(log, 2);
    }
  }

  @Test
  void wellFormedFormsStillDecodeTheirEscapes() throws Exception {
    // A valid form with escapes reaches client authentication (401 for this unknown client), not a 400.
    String response = post("/oauth/token", ascii("grant_type=client%5Fcredentials&client_id=c%2B1&client_secret=s%20x"));
    assertThat(RawHttp.status(response)).as(response).isEqualTo(401);
    assertThat(json(response).getString("error")).isEqualTo("invalid_client");
  }

  @Test
  void brokenEscapesElsewhereOnTheReservedPrefixesAreProblemsWithoutAStackTrace() throws Exception {
    try (ServerLog log = ServerLog.capture()) {
      List<String> heads = List.of(
          "GET /admin/users/%zz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + adminToken + "\r\nConnection: close\r\n\r\n",
          "GET /.well-known/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
          "GET /oauth/%C3%28%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
          "GET /auth/../admin/users HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      for (String head : heads) {
        String response = RawHttp.send(h.gateway.port(), head, null);
        assertThat(RawHttp.status(response)).as(head + " -> " + response).isEqualTo(400);
        assertThat(response).contains("application/problem+json").contains("\"code\":\"bad_path\"");
      }
      // A form-typed admin request with a broken query and body: answered (it used to hang), no trace.
      String admin = post("/admin/users?x=%zz", ascii("a=%zz"), "Authorization: Bearer " + adminToken);
      assertThat(RawHttp.status(admin)).as(admin).isEqualTo(400);
      assertThat(admin).contains("application/problem+json");
      assertNoStackTraceAndAtMostOneLinePerRequest(log, heads.size() + 1);
    }
  }
}
