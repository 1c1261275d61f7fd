package dev.toolgate.server.oauth.authorize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.oauth.Pkce;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** One {@link AuthorizeServer} per test, and the authorization request a well-behaved client sends. */
abstract class AuthorizeTestBase {
  static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  static final String CHALLENGE = Pkce.s256(VERIFIER);
  static final String STATE = "af0ifjsldkj";

  AuthorizeServer server;

  @BeforeEach
  void startServer() {
    server = new AuthorizeServer(appName(), issuer());
  }

  /** The issuer the pages are configured with; null for the test server's own URL. */
  String issuer() {
    return null;
  }

  /** The name the test client is registered under. */
  String appName() {
    return "Notes App";
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  /**
   * The authorization URL with these changes: (name, value) replaces or adds a parameter, (name, null)
   * drops it.
   */
  String authorizeUrl(String... changes) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("response_type", "code");
    params.put("client_id", server.app.id());
    params.put("redirect_uri", AuthorizeServer.APP_REDIRECT);
    params.put("code_challenge", CHALLENGE);
    params.put("code_challenge_method", "S256");
    params.put("state", STATE);
    params.put("resource", AuthorizeServer.RESOURCE);
    params.put("scope", "notes:read");
    for (int i = 0; i < changes.length; i += 2) {
      if (changes[i + 1] == null) {
        params.remove(changes[i]);
      } else {
        params.put(changes[i], changes[i + 1]);
      }
    }
    List<String> flat = new ArrayList<>();
    params.forEach((name, value) -> {
      flat.add(name);
      flat.add(value);
    });
    return Browser.authorizeUrl(flat);
  }

  /** GET the authorization URL and sign in as alice: the consent page (or the answer when consent is remembered). */
  HttpResponse<String> signIn(Browser browser, String url) {
    HttpResponse<String> login = browser.get(url);
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    return browser.post("/oauth/authorize/login", Browser.form(login, "username", "alice", "password", AuthorizeServer.PASSWORD));
  }

  static void assertPageHeaders(HttpResponse<String> page) {
    assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("content-security-policy")).hasValueSatisfying(csp -> assertThat(csp)
        .startsWith("default-src 'none'; style-src 'self'; form-action ")
        .endsWith("; frame-ancestors 'none'; base-uri 'none'")
        .doesNotContain("unsafe"));
    assertThat(page.headers().firstValue("x-frame-options")).hasValue("DENY");
    assertThat(page.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("referrer-policy")).hasValue("same-origin");
    assertThat(page.body()).doesNotContain("<script").doesNotContain("style=").doesNotContain("Exception");
  }

  static void assertNoRedirect(HttpResponse<String> page) {
    assertThat(page.statusCode()).as(page.body()).isEqualTo(400);
    assertThat(page.headers().firstValue("location")).isEmpty();
    assertPageHeaders(page);
    assertThat(page.body()).doesNotContain("<form");
  }
}
