package dev.toolgate.server.oauth.authorize;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The authorization pages under {@code audit.durability: durable} (the default): a sign-in or a consent
 * is answered only once its audit record is committed, and when the record can be kept nowhere (store
 * failing, spill files allowed one byte) the browser gets the 503 page instead: no session cookie, no
 * redirect carrying a code or an error to the client. Once the store is back, the same browser goes on.
 */
class AuthorizePagesAuditDurabilityTest extends AuthorizeTestBase {

  @Test
  void signInAndConsentAreAnsweredOnlyOnceTheirRecordsAreCommitted() {
    Browser browser = server.browser();
    HttpResponse<String> consent = signIn(browser, authorizeUrl());
    assertThat(consent.statusCode()).as(consent.body()).isEqualTo(200);
    HttpResponse<String> answer = browser.post("/oauth/authorize/consent", Browser.form(consent, "decision", "allow"));
    assertThat(answer.statusCode()).isEqualTo(303);
    assertThat(answer.headers().firstValue("location")).hasValueSatisfying(l -> assertThat(l).contains("code="));
    // Read at once, without a flush: both answers left after their records were committed.
    assertThat(server.auditLog.find(requestId(consent))).hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(AuthorizeAudit.LOGIN_SUCCEEDED));
    assertThat(server.auditLog.find(requestId(answer))).hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(AuthorizeAudit.CODE_ISSUED));
  }

  @Test
  void aSignInWhoseRecordCannotBeKeptIsThe503PageAndStartsNoSession() {
    Browser browser = server.browser();
    HttpResponse<String> login = browser.get(authorizeUrl());
    assertThat(login.statusCode()).isEqualTo(200);
    server.auditStoreDown = true;
    for (String password : new String[] {AuthorizeServer.PASSWORD, "wrong password"}) {
      HttpResponse<String> refused = browser.post("/oauth/authorize/login", Browser.form(login, "username", "alice", "password", password));
      assertUnavailable(refused);
      assertThat(refused.headers().allValues("set-cookie")).as("no session without its record").isEmpty();
    }
    assertThat(browser.cookies).doesNotContainKey("toolgate_authorize_session");

    server.auditStoreDown = false;
    HttpResponse<String> consent = browser.post("/oauth/authorize/login", Browser.form(login, "username", "alice", "password", AuthorizeServer.PASSWORD));
    assertThat(consent.statusCode()).as(consent.body()).isEqualTo(200);
    assertThat(consent.body()).contains("value=\"allow\"");
  }

  @Test
  void aConsentWhoseRecordCannotBeKeptIsThe503PageAndSendsTheClientNothing() {
    Browser browser = server.browser();
    HttpResponse<String> consent = signIn(browser, authorizeUrl());
    assertThat(consent.statusCode()).as(consent.body()).isEqualTo(200);
    server.auditStoreDown = true;
    for (String decision : new String[] {"allow", "deny"}) {
      assertUnavailable(browser.post("/oauth/authorize/consent", Browser.form(consent, "decision", decision)));
    }

    server.auditStoreDown = false;
    HttpResponse<String> answer = browser.post("/oauth/authorize/consent", Browser.form(consent, "decision", "allow"));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(303);
    assertThat(Browser.query(answer.headers().firstValue("location").orElseThrow())).containsKey("code").containsEntry("state", STATE);
  }

  private static void assertUnavailable(HttpResponse<String> page) {
    assertThat(page.statusCode()).as(page.body()).isEqualTo(503);
    assertThat(page.headers().firstValue("location")).as("nothing reaches the client").isEmpty();
    assertThat(page.headers().firstValue("retry-after")).isPresent();
    assertPageHeaders(page);
    assertThat(page.body()).contains("Try again in a moment").doesNotContain("code=").doesNotContain("<form");
  }

  private static String requestId(HttpResponse<String> r) {
    return r.headers().firstValue("x-request-id").orElseThrow();
  }
}
