package dev.toolgate.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.admin.AdminRole;
import dev.toolgate.server.admin.AdminToken;
import dev.toolgate.server.store.IssuedSecret;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Signing in to the console with an admin token, and what its session cookie can and cannot do on
 * the admin API: nothing without the CSRF token, nothing from another origin, nothing once its
 * admin token is revoked, and nothing its role does not allow.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleSessionTest {
  private ConsoleServer server;
  private String admin;

  @BeforeAll
  void start() throws Exception {
    server = ConsoleServer.start();
    admin = server.adminToken(AdminRole.ADMIN).plaintext();
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  /** A signed-in browser: its cookie ({@code name=value}) and the CSRF token the page was given. */
  record Browser(String cookie, String csrf, String setCookie, JsonObject answer) {}

  private Browser signIn(String token) {
    HttpResponse<String> r = server.call("POST", "/console/session", new JsonObject().put("token", token).encode(),
        "origin", server.base());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String setCookie = r.headers().firstValue("set-cookie").orElseThrow();
    JsonObject answer = new JsonObject(r.body());
    return new Browser(setCookie.substring(0, setCookie.indexOf(';')), answer.getString("csrf_token"), setCookie, answer);
  }

  @Test
  void signingInSetsAStrictHttpOnlyCookieThatHoldsNeitherTheTokenNorItsIdAndAnswersTheCsrfToken() {
    IssuedSecret<AdminToken> operator = server.adminToken(AdminRole.OPERATOR);
    Browser browser = signIn(operator.plaintext());
    assertThat(browser.setCookie()).startsWith("toolgate_console=").contains("; Path=/").contains("; HttpOnly").contains("; SameSite=Strict")
        .contains("; Max-Age=28800").doesNotContain("Secure").doesNotContain("Domain");
    String value = browser.cookie().substring("toolgate_console=".length());
    assertThat(value).doesNotContain(operator.plaintext()).doesNotContain(operator.record().id()).doesNotContain(browser.csrf());
    assertThat(browser.csrf()).matches("[A-Za-z0-9_-]{43}");
    assertThat(browser.answer().getBoolean("signed_in")).isTrue();
    assertThat(browser.answer().getJsonObject("admin_token").getString("id")).isEqualTo(operator.record().id());
    assertThat(browser.answer().getJsonObject("admin_token").getString("role")).isEqualTo("operator");
    assertThat(browser.answer().encode()).doesNotContain(operator.plaintext());
    assertThat(Instant.parse(browser.answer().getString("expires_at"))).isAfter(Instant.now().plusSeconds(7 * 3600));

    // A reloaded page gets its session (and CSRF token) back from the cookie alone.
    HttpResponse<String> again = server.get("/console/session", "cookie", browser.cookie());
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(again.body()).getString("csrf_token")).isEqualTo(browser.csrf());
    assertThat(again.headers().firstValue("cache-control")).hasValue("no-store");
  }

  @Test
  void theCookieWithItsCsrfTokenActsWithTheTokensRole() {
    Browser operator = signIn(server.adminToken(AdminRole.OPERATOR).plaintext());
    HttpResponse<String> list = server.get("/admin/users", "cookie", operator.cookie(), "x-csrf-token", operator.csrf());
    assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
    HttpResponse<String> created = server.call("POST", "/admin/users", "{\"username\":\"made-in-the-console\"}",
        "cookie", operator.cookie(), "x-csrf-token", operator.csrf(), "origin", server.base());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    HttpResponse<String> tokens = server.get("/admin/admin-tokens", "cookie", operator.cookie(), "x-csrf-token", operator.csrf());
    assertThat(tokens.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(tokens.body()).getString("code")).isEqualTo("admin_role_forbidden");

    Browser readOnly = signIn(server.adminToken(AdminRole.READ_ONLY).plaintext());
    assertThat(server.get("/admin/users", "cookie", readOnly.cookie(), "x-csrf-token", readOnly.csrf()).statusCode()).isEqualTo(200);
    HttpResponse<String> write = server.call("POST", "/admin/users", "{\"username\":\"read-only-tries\"}",
        "cookie", readOnly.cookie(), "x-csrf-token", readOnly.csrf(), "origin", server.base());
    assertThat(write.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(write.body()).getString("code")).isEqualTo("admin_role_forbidden");
  }

  @Test
  void aConsoleSessionMayCreateUnderAnIdempotencyKey() {
    Browser browser = signIn(admin);
    String[] headers = {"cookie", browser.cookie(), "x-csrf-token", browser.csrf(), "origin", server.base(), "idempotency-key", "console-create-1"};
    HttpResponse<String> first = server.call("POST", "/admin/users", "{\"username\":\"idempotent-console\"}", headers);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    HttpResponse<String> retry = server.call("POST", "/admin/users", "{\"username\":\"idempotent-console\"}", headers);
    assertThat(retry.statusCode()).as(retry.body()).isEqualTo(201);
    assertThat(retry.headers().firstValue("idempotent-replayed")).hasValue("true");
    assertThat(new JsonObject(retry.body()).getString("id")).isEqualTo(new JsonObject(first.body()).getString("id"));
    HttpResponse<String> other = server.call("POST", "/admin/users", "{\"username\":\"another-console\"}", headers);
    assertThat(other.statusCode()).isEqualTo(422);
    assertThat(new JsonObject(other.body()).getString("code")).isEqualTo("idempotency_key_reused");
  }

  @Test
  void theCookieAloneIsRefusedAndSoIsAnotherSessionsCsrfToken() {
    Browser one = signIn(admin);
    Browser two = signIn(admin);
    assertThat(one.csrf()).isNotEqualTo(two.csrf());
    for (String[] headers : List.of(new String[] {"cookie", one.cookie()}, new String[] {"cookie", one.cookie(), "x-csrf-token", two.csrf()},
        new String[] {"cookie", one.cookie(), "x-csrf-token", ""}, new String[] {"cookie", one.cookie(), "x-csrf-token", one.csrf() + "x"})) {
      HttpResponse<String> r = server.get("/admin/clients", headers);
      assertThat(r.statusCode()).as(String.join(" ", headers)).isEqualTo(403);
      assertThat(new JsonObject(r.body()).getString("code")).isEqualTo("csrf_token_invalid");
      HttpResponse<String> change = server.call("POST", "/admin/users", "{\"username\":\"csrf-victim\"}", headers);
      assertThat(change.statusCode()).isEqualTo(403);
      assertThat(new JsonObject(change.body()).getString("code")).isEqualTo("csrf_token_invalid");
    }
    assertThat(server.get("/admin/users/usr_none", "cookie", one.cookie(), "x-csrf-token", one.csrf()).statusCode()).isEqualTo(404);
  }

  @Test
  void aChangeFromAnotherOriginIsRefusedEvenWithTheCsrfToken() {
    Browser browser = signIn(admin);
    for (String origin : List.of("https://evil.example", "null", "http://127.0.0.1:1", server.base() + ".evil.example")) {
      HttpResponse<String> r = server.call("POST", "/admin/users", "{\"username\":\"cross-site\"}",
          "cookie", browser.cookie(), "x-csrf-token", browser.csrf(), "origin", origin);
      assertThat(r.statusCode()).as(origin).isEqualTo(403);
      assertThat(new JsonObject(r.body()).getString("code")).isEqualTo("csrf_token_invalid");
    }
    // Reading is not a change; a bearer token is not a browser session, so Origin does not matter to it.
    assertThat(server.get("/admin/users", "cookie", browser.cookie(), "x-csrf-token", browser.csrf(), "origin", "https://evil.example")
        .statusCode()).isEqualTo(200);
    HttpResponse<String> script = server.call("POST", "/admin/users", "{\"username\":\"from-a-script\"}",
        "authorization", "Bearer " + admin, "origin", "https://evil.example");
    assertThat(script.statusCode()).as(script.body()).isEqualTo(201);
    // Signing in and out from another origin are refused too.
    HttpResponse<String> signIn = server.call("POST", "/console/session", new JsonObject().put("token", admin).encode(), "origin", "https://evil.example");
    assertThat(signIn.statusCode()).isEqualTo(403);
    assertThat(signIn.headers().firstValue("set-cookie")).isEmpty();
    assertThat(server.call("DELETE", "/console/session", null, "cookie", browser.cookie(), "origin", "https://evil.example").statusCode()).isEqualTo(403);
  }

  @Test
  void revokingTheAdminTokenEndsItsConsoleSessionsAtOnce() {
    IssuedSecret<AdminToken> token = server.adminToken(AdminRole.OPERATOR);
    Browser browser = signIn(token.plaintext());
    assertThat(server.get("/admin/clients", "cookie", browser.cookie(), "x-csrf-token", browser.csrf()).statusCode()).isEqualTo(200);
    HttpResponse<String> revoked = server.call("POST", "/admin/admin-tokens/" + token.record().id() + "/revoke", "{}", "authorization", "Bearer " + admin);
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    HttpResponse<String> after = server.get("/admin/clients", "cookie", browser.cookie(), "x-csrf-token", browser.csrf());
    assertThat(after.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(after.body()).getString("code")).isEqualTo("admin_token_invalid");
    HttpResponse<String> session = server.get("/console/session", "cookie", browser.cookie());
    assertThat(session.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(session.body())).isEqualTo(new JsonObject().put("signed_in", false));
    assertThat(session.headers().firstValue("set-cookie").orElseThrow()).startsWith("toolgate_console=;").contains("Max-Age=0");
  }

  @Test
  void aBadTokenGetsOneAnswerWhateverIsWrongWithIt() {
    // Made and revoked in the store, never used: the server learns of it when it is presented.
    IssuedSecret<AdminToken> revoked = server.tokens.create("revoked", AdminRole.ADMIN, null);
    server.tokens.revoke(revoked.record().id());
    // Made by a store whose clock is two hours behind: an hour ago was still to come for it.
    Instant now = Instant.now();
    IssuedSecret<AdminToken> expired = new dev.toolgate.server.admin.AdminTokenStore(server.database,
        java.time.Clock.fixed(now.minusSeconds(7200), java.time.ZoneOffset.UTC)).create("expired", AdminRole.ADMIN, now.minusSeconds(3600));
    String unknown = "tga_" + "A".repeat(43);
    String detail = null;
    for (String token : List.of(revoked.plaintext(), expired.plaintext(), unknown, "not-a-token", "x".repeat(600))) {
      HttpResponse<String> r = server.call("POST", "/console/session", new JsonObject().put("token", token).encode());
      assertThat(r.statusCode()).as(token).isEqualTo(401);
      assertThat(r.headers().firstValue("set-cookie")).isEmpty();
      JsonObject problem = new JsonObject(r.body());
      assertThat(problem.getString("code")).isEqualTo("admin_token_invalid");
      assertThat(r.body()).doesNotContain(token);
      detail = detail == null ? problem.getString("detail") : detail;
      assertThat(problem.getString("detail")).isEqualTo(detail);
    }
  }

  @Test
  void aSignInMustBeJsonWithAToken() {
    for (String[] bad : List.of(new String[] {"application/x-www-form-urlencoded", "token=" + admin}, new String[] {"application/json", "[]"},
        new String[] {"application/json", "{\"token\": 42}"}, new String[] {"application/json", "{"}, new String[] {"application/json", ""},
        new String[] {"text/plain", "{\"token\":\"" + admin + "\"}"})) {
      HttpResponse<String> r = server.send(server.request("/console/session").header("content-type", bad[0])
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(bad[1])));
      assertThat(r.statusCode()).as(bad[0] + " " + bad[1]).isEqualTo(400);
      assertThat(new JsonObject(r.body()).getString("code")).isEqualTo("invalid_request");
      assertThat(r.body()).doesNotContain(admin);
    }
    HttpResponse<String> huge = server.call("POST", "/console/session", "{\"token\":\"" + "a".repeat(5000) + "\"}");
    assertThat(huge.statusCode()).isEqualTo(413);
  }

  @Test
  void signingOutClearsTheCookie() {
    Browser browser = signIn(admin);
    HttpResponse<String> out = server.call("DELETE", "/console/session", null, "cookie", browser.cookie(), "origin", server.base());
    assertThat(out.statusCode()).isEqualTo(204);
    assertThat(out.headers().firstValue("set-cookie").orElseThrow()).isEqualTo("toolgate_console=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
    HttpResponse<String> after = server.get("/console/session");
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(after.body()).getBoolean("signed_in")).isFalse();
    assertThat(after.headers().firstValue("set-cookie")).as("no cookie sent, none cleared").isEmpty();
  }

  @Test
  void anAlteredCookieIsNoSession() {
    Browser browser = signIn(admin);
    String value = browser.cookie().substring(browser.cookie().indexOf('=') + 1);
    int middle = value.length() / 2;
    String altered = value.substring(0, middle) + (value.charAt(middle) == 'A' ? 'B' : 'A') + value.substring(middle + 1);
    for (String cookie : List.of("toolgate_console=" + altered, "toolgate_console=garbage", "toolgate_console=" + value.substring(0, 20))) {
      HttpResponse<String> r = server.get("/admin/clients", "cookie", cookie, "x-csrf-token", browser.csrf());
      assertThat(r.statusCode()).as(cookie).isEqualTo(401);
      assertThat(new JsonObject(r.body()).getString("code")).isEqualTo("admin_token_invalid");
    }
  }

  @Test
  void handWrittenRequests() throws Exception {
    Browser browser = signIn(admin);
    // A stale cookie of the same name before the valid one (another path, an old tab): the valid one counts.
    String twoCookies = server.raw("GET /admin/clients HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: toolgate_console=stale\r\nCookie: "
        + browser.cookie() + "\r\nX-CSRF-Token: " + browser.csrf() + "\r\nConnection: close\r\n\r\n");
    assertThat(twoCookies).startsWith("HTTP/1.1 200 ");
    // Two CSRF headers (one right, one wrong) are not one right one.
    String twoTokens = server.raw("GET /admin/clients HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + browser.cookie() + "\r\nX-CSRF-Token: "
        + browser.csrf() + "\r\nX-CSRF-Token: other\r\nConnection: close\r\n\r\n");
    assertThat(twoTokens).startsWith("HTTP/1.1 403 ").contains("csrf_token_invalid");
    // Two Origin headers on a change: refused.
    String body = "{\"username\":\"two-origins\"}";
    String twoOrigins = server.raw("POST /admin/users HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nCookie: " + browser.cookie()
        + "\r\nX-CSRF-Token: " + browser.csrf() + "\r\nOrigin: " + server.base() + "\r\nOrigin: https://evil.example\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
    assertThat(twoOrigins).startsWith("HTTP/1.1 403 ").contains("csrf_token_invalid");
    // The origin the request was sent to counts as the console's own (here: the Host the browser used).
    String ownHost = server.raw("POST /admin/users HTTP/1.1\r\nHost: localhost:" + server.port() + "\r\nCookie: " + browser.cookie()
        + "\r\nX-CSRF-Token: " + browser.csrf() + "\r\nOrigin: http://localhost:" + server.port() + "\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
    assertThat(ownHost).startsWith("HTTP/1.1 201 ");
    // A cookie header many times over the size of a session: still one answer, no session.
    String flood = server.raw("GET /admin/clients HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + ("toolgate_console=" + "A".repeat(30_000) + "; ").repeat(3)
        + "\r\nX-CSRF-Token: " + browser.csrf() + "\r\nConnection: close\r\n\r\n");
    assertThat(flood).startsWith("HTTP/1.1 401 ").contains("admin_token_invalid");
    // With an Authorization header, the cookie is not looked at: the bearer token alone decides.
    String both = server.raw("GET /admin/clients HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer tga_wrong\r\nCookie: " + browser.cookie()
        + "\r\nX-CSRF-Token: " + browser.csrf() + "\r\nConnection: close\r\n\r\n");
    assertThat(both).startsWith("HTTP/1.1 401 ");
  }
}
