package dev.toolgate.server.oauth.authorize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.oauth.client.AuthorizationClient;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Everything the pages show is escaped: client names, scopes, the client id host, usernames. */
class AuthorizePagesTest extends AuthorizeTestBase {
  static final String HOSTILE_NAME = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>&amp;\u0000\u202e";

  @Override
  String appName() {
    return HOSTILE_NAME;
  }

  @Test
  void theEscaperCoversMarkupQuotesAndControls() {
    assertThat(Html.escape("<a href=\"x\" title='y'>&</a>")).isEqualTo("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
    assertThat(Html.escape("tab\tnew\nline\u0000\u0007\u0085")).isEqualTo("tab\tnew\nline\uFFFD\uFFFD\uFFFD");
    assertThat(Html.escape("lone \uD800 surrogate, pair \uD83D\uDE00")).isEqualTo("lone \uFFFD surrogate, pair \uD83D\uDE00");
    assertThat(Html.escape(null)).isEmpty();
  }

  @Test
  void aHostileStoredClientNameIsShownEscaped() {
    Browser browser = server.browser();
    HttpResponse<String> login = browser.get(authorizeUrl());
    assertThat(login.statusCode()).isEqualTo(200);
    assertEscaped(login.body());
    HttpResponse<String> consent = browser.post("/oauth/authorize/login",
        Browser.form(login, "username", "alice", "password", AuthorizeServer.PASSWORD));
    assertThat(consent.statusCode()).isEqualTo(200);
    assertEscaped(consent.body());
    assertThat(consent.body()).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;amp;");
  }

  @Test
  void aMetadataDocumentClientShowsItsHostAndHostileScopesAreEscaped() {
    AuthorizationClient client = new AuthorizationClient("https://tools.example.org/oauth/client.json", HOSTILE_NAME,
        List.of("http://[::1]/cb"), Set.of("none"), null, null, AuthorizationClient.Source.METADATA_DOCUMENT);
    AuthorizationRequest request = new AuthorizationRequest(client.clientId(), "http://[::1]:4000/cb", "s", CHALLENGE,
        "https://mcp.example.com/mcp?a=1&b=<2>", List.of("read:<all>", "x&y", "o'k"));
    String page = AuthorizePages.consent(new AuthorizePages.Model(client, request, "key.sealed", "nonce"), "bob<i>");
    assertEscaped(page);
    assertThat(page)
        .contains("(described by <strong>tools.example.org</strong>)")
        .contains("<li><code>read:&lt;all&gt;</code></li>").contains("<li><code>x&amp;y</code></li>").contains("<li><code>o&#39;k</code></li>")
        .contains("<code>https://mcp.example.com/mcp?a=1&amp;b=&lt;2&gt;</code>")
        .contains("Signed in as <strong>bob&lt;i&gt;</strong>")
        .contains("<strong>[::1]:4000</strong>").contains("class=\"warning\"");
    // CSP host sources cannot name an IPv6 literal: the scheme stands in for it.
    assertThat(ClientRedirect.cspSource("http://[::1]:4000/cb")).isEqualTo("http:");
    assertThat(ClientRedirect.cspSource("com.example.app:/callback")).isEqualTo("com.example.app:");
    assertThat(ClientRedirect.cspSource("https://App.Example.com:8443/cb?x=1")).isEqualTo("https://app.example.com:8443");
  }

  @Test
  void aMetadataDocumentClientWithoutANameIsShownByItsClientId() {
    // client_name is optional in a metadata document: the pages must not show an empty name.
    AuthorizationClient client = new AuthorizationClient("https://tools.example.org/oauth/client.json", null,
        List.of("https://tools.example.org/cb"), Set.of("none"), null, null, AuthorizationClient.Source.METADATA_DOCUMENT);
    AuthorizationRequest request = new AuthorizationRequest(client.clientId(), "https://tools.example.org/cb", "s", CHALLENGE,
        "https://mcp.example.com/mcp", List.of());
    AuthorizePages.Model model = new AuthorizePages.Model(client, request, "key.sealed", "nonce");
    for (String page : List.of(AuthorizePages.login(model, null), AuthorizePages.consent(model, "bob"))) {
      assertThat(page).doesNotContain("<strong></strong>")
          .contains("<strong>https://tools.example.org/oauth/client.json</strong> (described by <strong>tools.example.org</strong>)");
    }
  }

  @Test
  void errorPagesEscapeTheirMessage() {
    assertEscaped(AuthorizePages.problem("Bad <title>", "The client said: " + HOSTILE_NAME));
  }

  private static void assertEscaped(String html) {
    assertThat(html).doesNotContain("<script").doesNotContain("<img").doesNotContain("onerror=alert(1)>")
        .doesNotContain("\u0000").doesNotContain("'x'").doesNotContain("<i>");
  }
}
