package dev.toolgate.server.oauth.authorize;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The login and consent forms are only taken from this server's own page in the same browser. */
class AuthorizeCsrfTest extends AuthorizeTestBase {

  /** A browser on the consent page, ready to allow. */
  private Browser onConsentPage() {
    Browser browser = server.browser();
    consent = signIn(browser, authorizeUrl());
    assertThat(consent.statusCode()).isEqualTo(200);
    return browser;
  }

  private HttpResponse<String> consent;

  private void assertRefused(HttpResponse<String> answer) {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(403);
    assertThat(answer.headers().firstValue("location")).isEmpty();
    assertPageHeaders(answer);
    assertThat(server.codeRows()).isEmpty();
  }

  @Test
  void withoutTheCsrfCookie() {
    Browser browser = onConsentPage();
    browser.cookies.remove(BrowserCookies.CSRF);
    HttpResponse<String> answer = browser.post("/oauth/authorize/consent", Browser.form(consent, "decision", "allow"));
    assertRefused(answer);
    assertThat(server.audit(answer.headers().firstValue("x-request-id").orElseThrow()).code()).isEqualTo("csrf_refused");
  }

  @Test
  void withAnotherCsrfField() {
    Browser browser = onConsentPage();
    assertRefused(browser.post("/oauth/authorize/consent", Browser.form(consent, "decision", "allow", "csrf", BrowserCookies.newNonce())));
  }

  @Test
  void withACookieAndFieldThatMatchEachOtherButNotTheSealedRequest() {
    Browser browser = onConsentPage();
    String attackerNonce = BrowserCookies.newNonce();
    browser.cookies.put(BrowserCookies.CSRF, attackerNonce);
    assertRefused(browser.post("/oauth/authorize/consent", Browser.form(consent, "decision", "allow", "csrf", attackerNonce)));
  }

  @Test
  void withATamperedSealedRequest() {
    Browser browser = onConsentPage();
    Map<String, String> form = Browser.form(consent, "decision", "allow");
    String sealed = form.get("request");
    int at = sealed.length() - 10;
    form.put("request", sealed.substring(0, at) + (sealed.charAt(at) == 'A' ? 'B' : 'A') + sealed.substring(at + 1));
    assertRefused(browser.post("/oauth/authorize/consent", form));
    form.put("request", "not sealed at all");
    assertRefused(browser.post("/oauth/authorize/consent", form));
    form.remove("request");
    assertRefused(browser.post("/oauth/authorize/consent", form));
  }

  @Test
  void withTheLoginPagesSealedRequest() {
    Browser browser = server.browser();
    HttpResponse<String> login = browser.get(authorizeUrl());
    browser.post("/oauth/authorize/login", Browser.form(login, "username", "alice", "password", AuthorizeServer.PASSWORD));
    // The login page's request names no user: it cannot stand in for the consent page's.
    assertRefused(browser.post("/oauth/authorize/consent", Browser.form(login, "decision", "allow")));
  }

  @Test
  void withoutTheSessionCookie() {
    Browser browser = onConsentPage();
    browser.cookies.remove(BrowserCookies.SESSION);
    assertRefused(browser.post("/oauth/authorize/consent", Browser.form(consent, "decision", "allow")));
  }

  @Test
  void fromAnotherOrigin() {
    Browser browser = onConsentPage();
    browser.origin = "https://evil.example";
    assertRefused(browser.post("/oauth/authorize/consent", Browser.form(consent, "decision", "allow")));
    browser.origin = "null";
    assertRefused(browser.post("/oauth/authorize/consent", Browser.form(consent, "decision", "allow")));
    browser.origin = server.base.replace("127.0.0.1", "localhost");
    assertRefused(browser.post("/oauth/authorize/consent", Browser.form(consent, "decision", "allow")));
    // Without an Origin (an older browser, a script): the cookie, field and seal decide.
    browser.origin = null;
    assertThat(browser.post("/oauth/authorize/consent", Browser.form(consent, "decision", "allow")).statusCode()).isEqualTo(303);
  }

  @Test
  void theLoginFormIsCheckedTheSameWay() {
    Browser browser = server.browser();
    HttpResponse<String> login = browser.get(authorizeUrl());
    Map<String, String> credentials = Browser.form(login, "username", "alice", "password", AuthorizeServer.PASSWORD);
    browser.origin = "https://evil.example";
    HttpResponse<String> foreign = browser.post("/oauth/authorize/login", credentials);
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(foreign.headers().allValues("set-cookie")).isEmpty();
    browser.origin = server.issuer;
    browser.cookies.remove(BrowserCookies.CSRF);
    assertThat(browser.post("/oauth/authorize/login", credentials).statusCode()).isEqualTo(403);
    assertThat(browser.cookies).doesNotContainKey(BrowserCookies.SESSION);
  }

  @Test
  void brokenFormsAreA400Page() {
    Browser browser = onConsentPage();
    Map<String, String> form = Browser.form(consent, "decision", "allow");
    String body = "request=" + form.get("request") + "&csrf=" + form.get("csrf") + "&decision=allow";
    assertNoRedirect(browser.postRaw("/oauth/authorize/consent", body + "&decision=deny"));
    assertNoRedirect(browser.postRaw("/oauth/authorize/consent", body + "&x=%zz"));
    assertNoRedirect(browser.postRaw("/oauth/authorize/consent", body.replace("decision=allow", "decision=maybe")));
    HttpResponse<String> tooLarge = browser.postRaw("/oauth/authorize/consent", body + "&pad=" + "a".repeat(40_000));
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertPageHeaders(tooLarge);
    assertThat(server.codeRows()).isEmpty();
  }

  @Test
  void tabsShareTheBrowsersCsrfNonce() {
    Browser browser = server.browser();
    HttpResponse<String> first = browser.get(authorizeUrl("state", "tab1"));
    HttpResponse<String> second = browser.get(authorizeUrl("state", "tab2"));
    assertThat(Browser.hiddenFields(first.body()).get("csrf")).isEqualTo(Browser.hiddenFields(second.body()).get("csrf"));
    HttpResponse<String> consent = browser.post("/oauth/authorize/login",
        Browser.form(first, "username", "alice", "password", AuthorizeServer.PASSWORD));
    HttpResponse<String> answer = browser.post("/oauth/authorize/consent", Browser.form(consent, "decision", "allow"));
    assertThat(Browser.query(answer.headers().firstValue("location").orElseThrow())).containsEntry("state", "tab1");
  }
}
