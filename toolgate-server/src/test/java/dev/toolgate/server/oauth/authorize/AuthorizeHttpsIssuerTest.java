package dev.toolgate.server.oauth.authorize;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Under an https issuer (Toolgate behind a TLS-terminating proxy) the cookies are {@code Secure} with
 * the {@code __Secure-} prefix, {@code iss} is the https issuer, and form posts must come from its origin.
 */
class AuthorizeHttpsIssuerTest extends AuthorizeTestBase {
  static final String ISSUER = "https://auth.example.com";

  @Override
  String issuer() {
    return ISSUER;
  }

  @Test
  void cookiesAreSecureAndPrefixed() {
    Browser browser = server.browser();
    HttpResponse<String> login = browser.get(authorizeUrl());
    assertThat(login.headers().allValues("set-cookie")).singleElement().satisfies(cookie -> assertThat(cookie)
        .startsWith("__Secure-toolgate_authorize_csrf=").endsWith("; Path=/oauth/authorize; HttpOnly; SameSite=Lax; Secure"));
    HttpResponse<String> consent = browser.post("/oauth/authorize/login",
        Browser.form(login, "username", "alice", "password", AuthorizeServer.PASSWORD));
    assertThat(consent.headers().allValues("set-cookie")).anySatisfy(cookie -> assertThat(cookie)
        .startsWith("__Secure-toolgate_authorize_session=").contains("; Secure; Max-Age=43200"));
    HttpResponse<String> answer = browser.post("/oauth/authorize/consent", Browser.form(consent, "decision", "allow"));
    assertThat(answer.statusCode()).isEqualTo(303);
    assertThat(Browser.query(answer.headers().firstValue("location").orElseThrow())).containsEntry("iss", ISSUER);
  }

  @Test
  void unprefixedCookiesDoNotCount() {
    Browser browser = server.browser();
    HttpResponse<String> login = browser.get(authorizeUrl());
    String nonce = browser.cookies.remove("__Secure-" + BrowserCookies.CSRF);
    browser.cookies.put(BrowserCookies.CSRF, nonce);
    assertThat(browser.post("/oauth/authorize/login", Browser.form(login, "username", "alice", "password", AuthorizeServer.PASSWORD))
        .statusCode()).isEqualTo(403);
  }

  @Test
  void postsFromTheServersOtherNamesAreRefused() {
    Browser browser = server.browser();
    HttpResponse<String> login = browser.get(authorizeUrl());
    browser.origin = server.base;
    assertThat(browser.post("/oauth/authorize/login", Browser.form(login, "username", "alice", "password", AuthorizeServer.PASSWORD))
        .statusCode()).isEqualTo(403);
    browser.origin = "https://auth.example.com:443";
    assertThat(browser.post("/oauth/authorize/login", Browser.form(login, "username", "alice", "password", AuthorizeServer.PASSWORD))
        .statusCode()).as("a browser never sends the default port; whoever does is not one").isEqualTo(403);
  }
}
