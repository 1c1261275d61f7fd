package dev.toolgate.server.oauth.authorize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.server.store.AuthorizationStore;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Login, consent and the answer to the client, over real HTTP and a real SQLite store. */
class AuthorizeFlowTest extends AuthorizeTestBase {

  @Test
  void loginThenConsentThenACodeForTheClient() {
    Browser browser = server.browser();
    HttpResponse<String> login = browser.get(authorizeUrl("scope", "notes:read notes:write"));
    assertThat(login.statusCode()).isEqualTo(200);
    assertPageHeaders(login);
    assertThat(login.headers().firstValue("content-security-policy")).hasValueSatisfying(csp ->
        assertThat(csp).contains("form-action 'self' https://app.example.com;"));
    assertThat(login.body())
        .contains("<form method=\"post\" action=\"/oauth/authorize/login\">")
        .contains("<input id=\"username\" name=\"username\" type=\"text\"")
        .contains("<input id=\"password\" name=\"password\" type=\"password\"")
        .contains("<label for=\"username\">").contains("<label for=\"password\">")
        .contains("<link rel=\"stylesheet\" href=\"/oauth/authorize/style.css\">");
    assertThat(Browser.hiddenFields(login.body())).containsOnlyKeys("request", "csrf");
    assertThat(login.headers().allValues("set-cookie")).singleElement().satisfies(cookie -> assertThat(cookie)
        .startsWith("toolgate_authorize_csrf=").contains("; Path=/oauth/authorize; HttpOnly; SameSite=Lax").doesNotContain("Secure"));

    HttpResponse<String> consent = browser.post("/oauth/authorize/login",
        Browser.form(login, "username", "Alice", "password", AuthorizeServer.PASSWORD));
    assertThat(consent.statusCode()).as(consent.body()).isEqualTo(200);
    assertPageHeaders(consent);
    assertThat(consent.body())
        .contains("<form method=\"post\" action=\"/oauth/authorize/consent\">")
        .contains("<button type=\"submit\" name=\"decision\" value=\"allow\">")
        .contains("<button type=\"submit\" name=\"decision\" value=\"deny\"")
        .contains("<strong>Notes App</strong>").contains("Signed in as <strong>alice</strong>")
        .contains("<li><code>notes:read</code></li>").contains("<li><code>notes:write</code></li>")
        .contains("<code>https://mcp.example.com/mcp</code>").contains("<strong>app.example.com</strong>")
        .doesNotContain("localhost");
    assertThat(consent.headers().allValues("set-cookie")).anySatisfy(cookie -> assertThat(cookie)
        .startsWith("toolgate_authorize_session=").contains("; Path=/oauth/authorize; HttpOnly; SameSite=Lax; Max-Age=43200"));
    assertThat(server.codeRows()).isEmpty();

    HttpResponse<String> answer = browser.post("/oauth/authorize/consent", Browser.form(consent, "decision", "allow"));
    assertThat(answer.statusCode()).isEqualTo(303);
    assertThat(answer.headers().firstValue("cache-control")).hasValue("no-store");
    String location = answer.headers().firstValue("location").orElseThrow();
    assertThat(location).startsWith(AuthorizeServer.APP_REDIRECT + "?code=");
    Map<String, String> query = Browser.query(location);
    assertThat(query).containsOnlyKeys("code", "state", "iss").containsEntry("state", STATE).containsEntry("iss", server.issuer);
    assertThat(location).contains("&iss=" + URLEncoder.encode(server.issuer, StandardCharsets.UTF_8));

    AuthorizationStore.Code code = server.store.code(query.get("code")).orElseThrow();
    assertThat(code.clientId()).isEqualTo(server.app.id());
    assertThat(code.userId()).isEqualTo(server.alice.id());
    assertThat(code.redirectUri()).isEqualTo(AuthorizeServer.APP_REDIRECT);
    assertThat(code.codeChallenge()).isEqualTo(CHALLENGE);
    assertThat(code.resource()).isEqualTo(AuthorizeServer.RESOURCE);
    assertThat(code.scopes()).containsExactlyInAnyOrder("notes:read", "notes:write");
    assertThat(code.usedAt()).isNull();
    assertThat(server.store.consented(server.alice.id(), server.app.id(), Set.of("notes:read", "notes:write"), AuthorizeServer.RESOURCE)).isTrue();

    AuditEvent issued = server.audit(answer.headers().firstValue("x-request-id").orElseThrow());
    assertThat(issued.decision()).isEqualTo("allow");
    assertThat(issued.code()).isEqualTo("code_issued");
    assertThat(issued.clientId()).isEqualTo(server.app.id());
    assertThat(issued.credentialIds()).containsExactly(server.alice.id());
    assertThat(issued.status()).isEqualTo(303);
    assertThat(issued.detail()).doesNotContain(query.get("code"));
  }

  @Test
  void aSignedInBrowserWithRememberedConsentIsAnsweredAtOnce() {
    Browser browser = server.browser();
    HttpResponse<String> consent = signIn(browser, authorizeUrl());
    assertThat(browser.post("/oauth/authorize/consent", Browser.form(consent, "decision", "allow")).statusCode()).isEqualTo(303);

    HttpResponse<String> again = browser.get(authorizeUrl("state", "second"));
    assertThat(again.statusCode()).as(again.body()).isEqualTo(303);
    Map<String, String> query = Browser.query(again.headers().firstValue("location").orElseThrow());
    assertThat(query).containsEntry("state", "second").containsEntry("iss", server.issuer);
    assertThat(server.store.code(query.get("code"))).hasValueSatisfying(c -> assertThat(c.userId()).isEqualTo(server.alice.id()));

    // A new browser signs in again, but is not asked again: the login answers with the code.
    HttpResponse<String> fresh = signIn(server.browser(), authorizeUrl("state", "third"));
    assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(303);
    assertThat(Browser.query(fresh.headers().firstValue("location").orElseThrow())).containsEntry("state", "third").containsKey("code");
  }

  @Test
  void aSignedInBrowserAskedForMoreSeesTheConsentPageWithoutSigningIn() {
    Browser browser = server.browser();
    HttpResponse<String> consent = signIn(browser, authorizeUrl());
    assertThat(browser.post("/oauth/authorize/consent", Browser.form(consent, "decision", "allow")).statusCode()).isEqualTo(303);

    HttpResponse<String> more = browser.get(authorizeUrl("scope", "notes:read notes:write"));
    assertThat(more.statusCode()).isEqualTo(200);
    assertThat(more.body()).contains("action=\"/oauth/authorize/consent\"").doesNotContain("name=\"password\"");
    HttpResponse<String> answer = browser.post("/oauth/authorize/consent", Browser.form(more, "decision", "allow"));
    assertThat(answer.statusCode()).isEqualTo(303);
    assertThat(server.store.consented(server.alice.id(), server.app.id(), Set.of("notes:read", "notes:write"), AuthorizeServer.RESOURCE)).isTrue();
  }

  @Test
  void denyAnswersAccessDeniedAndIssuesNothing() {
    Browser browser = server.browser();
    HttpResponse<String> consent = signIn(browser, authorizeUrl());
    HttpResponse<String> answer = browser.post("/oauth/authorize/consent", Browser.form(consent, "decision", "deny"));
    assertThat(answer.statusCode()).isEqualTo(303);
    assertThat(Browser.query(answer.headers().firstValue("location").orElseThrow()))
        .containsEntry("error", "access_denied").containsEntry("state", STATE).containsEntry("iss", server.issuer).doesNotContainKey("code");
    assertThat(server.codeRows()).isEmpty();
    assertThat(server.store.consented(server.alice.id(), server.app.id(), Set.of("notes:read"), AuthorizeServer.RESOURCE)).isFalse();
    AuditEvent denied = server.audit(answer.headers().firstValue("x-request-id").orElseThrow());
    assertThat(denied.decision()).isEqualTo("deny");
    assertThat(denied.code()).isEqualTo("consent_denied");
    assertThat(denied.credentialIds()).containsExactly(server.alice.id());
  }

  @Test
  void wrongUnknownAndDisabledAllShowTheLoginPageAgainWithTheSameMessage() {
    server.users.setUserDisabled(server.users.createUser("dora", AuthorizeServer.HASHER.hash(AuthorizeServer.PASSWORD)).id(), true);
    Browser browser = server.browser();
    HttpResponse<String> login = browser.get(authorizeUrl());
    for (String[] credentials : List.of(new String[] {"alice", "wrong password"}, new String[] {"nobody", AuthorizeServer.PASSWORD},
        new String[] {"dora", AuthorizeServer.PASSWORD})) {
      HttpResponse<String> again = browser.post("/oauth/authorize/login", Browser.form(login, "username", credentials[0], "password", credentials[1]));
      assertThat(again.statusCode()).isEqualTo(200);
      assertPageHeaders(again);
      assertThat(again.body()).contains("action=\"/oauth/authorize/login\"").contains("The username or password is incorrect.")
          .doesNotContain(credentials[1]);
      assertThat(again.headers().allValues("set-cookie")).noneMatch(c -> c.contains("session"));
      AuditEvent failed = server.audit(again.headers().firstValue("x-request-id").orElseThrow());
      assertThat(failed.code()).isEqualTo("login_failed");
      assertThat(failed.detail()).doesNotContain(credentials[1]);
      login = again;
    }
    assertThat(server.codeRows()).isEmpty();
  }

  @Test
  void throttledLoginsGet429WithRetryAfter() {
    Browser browser = server.browser();
    HttpResponse<String> login = browser.get(authorizeUrl());
    for (int i = 0; i < 3; i++) {
      login = browser.post("/oauth/authorize/login", Browser.form(login, "username", "alice", "password", "guess " + i));
      assertThat(login.statusCode()).isEqualTo(200);
    }
    HttpResponse<String> throttled = browser.post("/oauth/authorize/login",
        Browser.form(login, "username", "alice", "password", AuthorizeServer.PASSWORD));
    assertThat(throttled.statusCode()).as("even the right password waits").isEqualTo(429);
    assertThat(throttled.headers().firstValue("retry-after")).hasValueSatisfying(s -> assertThat(Long.parseLong(s)).isPositive());
    assertPageHeaders(throttled);
    assertThat(throttled.body()).contains("Too many failed sign-ins").contains("action=\"/oauth/authorize/login\"");
    assertThat(server.audit(throttled.headers().firstValue("x-request-id").orElseThrow()).code()).isEqualTo("login_throttled");
    assertThat(server.codeRows()).isEmpty();
  }

  @Test
  void aDisabledUsersSessionNoLongerCounts() {
    Browser browser = server.browser();
    HttpResponse<String> consent = signIn(browser, authorizeUrl());
    server.users.setUserDisabled(server.alice.id(), true);

    HttpResponse<String> answer = browser.post("/oauth/authorize/consent", Browser.form(consent, "decision", "allow"));
    assertThat(answer.statusCode()).isEqualTo(403);
    assertThat(server.codeRows()).isEmpty();

    HttpResponse<String> again = browser.get(authorizeUrl());
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).contains("name=\"password\"");
  }

  @Test
  void aClientDisabledAfterThePageWasShownGetsNothing() {
    Browser browser = server.browser();
    HttpResponse<String> consent = signIn(browser, authorizeUrl());
    server.admin.setClientEnabled(server.app.id(), false);
    server.cache.refresh();
    HttpResponse<String> answer = browser.post("/oauth/authorize/consent", Browser.form(consent, "decision", "allow"));
    assertNoRedirect(answer);
    assertThat(server.codeRows()).isEmpty();
  }

  @Test
  void anExpiredPageIsRefused() {
    Browser browser = server.browser();
    HttpResponse<String> login = browser.get(authorizeUrl());
    server.clock.advance(Duration.ofMinutes(11));
    HttpResponse<String> late = browser.post("/oauth/authorize/login", Browser.form(login, "username", "alice", "password", AuthorizeServer.PASSWORD));
    assertNoRedirect(late);
    assertThat(late.body()).contains("expired");
  }

  @Test
  void aStoreThatIsDownIsA503Page() {
    Browser browser = server.browser();
    HttpResponse<String> login = browser.get(authorizeUrl());
    server.database.close();
    HttpResponse<String> down = browser.post("/oauth/authorize/login", Browser.form(login, "username", "alice", "password", AuthorizeServer.PASSWORD));
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.headers().firstValue("retry-after")).isPresent();
    assertPageHeaders(down);
  }

  @Test
  void theLoopbackRedirectTakesAnyPortAndTheConsentPageWarns() {
    String redirect = "http://127.0.0.1:54321/cb";
    Browser browser = server.browser();
    HttpResponse<String> login = browser.get(authorizeUrl("redirect_uri", redirect));
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.headers().firstValue("content-security-policy")).hasValueSatisfying(csp ->
        assertThat(csp).contains("form-action 'self' http://127.0.0.1:54321;"));
    HttpResponse<String> consent = browser.post("/oauth/authorize/login", Browser.form(login, "username", "alice", "password", AuthorizeServer.PASSWORD));
    assertThat(consent.body()).contains("class=\"warning\"").contains("Only continue if you started this on this computer")
        .contains("<strong>127.0.0.1:54321</strong>");
    HttpResponse<String> answer = browser.post("/oauth/authorize/consent", Browser.form(consent, "decision", "allow"));
    assertThat(answer.headers().firstValue("location")).hasValueSatisfying(l -> assertThat(l).startsWith(redirect + "?code="));
  }

  @Test
  void anOmittedScopeIsTheClientsRegisteredScopes() {
    HttpResponse<String> consent = signIn(server.browser(), authorizeUrl("scope", null));
    assertThat(consent.body()).contains("<li><code>notes:read</code></li>").contains("<li><code>notes:write</code></li>");
  }

  @Test
  void theStylesheetIsServedFromTheJar() {
    HttpResponse<String> css = server.browser().get("/oauth/authorize/style.css");
    assertThat(css.statusCode()).isEqualTo(200);
    assertThat(css.headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
    assertThat(css.body()).contains("font-family");
  }

  @Test
  void codesExpireAfterTheConfiguredTtl() {
    Browser browser = server.browser();
    Instant before = server.clock.instant();
    HttpResponse<String> answer = browser.post("/oauth/authorize/consent", Browser.form(signIn(browser, authorizeUrl()), "decision", "allow"));
    AuthorizationStore.Code code = server.store.code(Browser.query(answer.headers().firstValue("location").orElseThrow()).get("code")).orElseThrow();
    assertThat(code.expiresAt()).isAfter(before).isBeforeOrEqualTo(before.plusSeconds(60));
  }
}
