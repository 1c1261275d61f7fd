package dev.toolgate.server.oauth.authorize;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bad authorization requests: a client or redirect URI that cannot be trusted stops at a 400 page
 * (never a redirect); every other error goes back to the client with {@code error}, {@code state} and
 * {@code iss}.
 */
class AuthorizeRequestErrorsTest extends AuthorizeTestBase {

  private HttpResponse<String> get(String url) {
    return server.browser().get(url);
  }

  @Test
  void anUnknownClientOrRedirectIsAPageNotARedirect() {
    assertNoRedirect(get(authorizeUrl("client_id", "cl_unknown")));
    assertNoRedirect(get(authorizeUrl("client_id", null)));
    assertNoRedirect(get(authorizeUrl("redirect_uri", null)));
    assertNoRedirect(get(authorizeUrl("client_id", "https://cimd.example.com/client.json")));
    assertNoRedirect(get(authorizeUrl("redirect_uri", "https://app.example.com/call")));
    assertNoRedirect(get(authorizeUrl("redirect_uri", "https://app.example.com/callback/more")));
    assertNoRedirect(get(authorizeUrl("redirect_uri", "https://app.example.com:8443/callback")));
    assertNoRedirect(get(authorizeUrl("redirect_uri", "https://app.example.com/callback#fragment")));
    assertNoRedirect(get(authorizeUrl("redirect_uri", "https://evil.example/callback")));
    assertNoRedirect(get(authorizeUrl("redirect_uri", "http://127.0.0.1:7777/other")));
    assertNoRedirect(get(authorizeUrl("redirect_uri", "http://localhost:7777/cb")));
    // A loopback redirect may use any port an app can listen on, but not one that is no port at all.
    assertNoRedirect(get(authorizeUrl("redirect_uri", "http://127.0.0.1:0/cb")));
    assertNoRedirect(get(authorizeUrl("redirect_uri", "http://127.0.0.1:65536/cb")));
    assertNoRedirect(get(authorizeUrl("redirect_uri", "http://127.0.0.1:/cb")));
    assertNoRedirect(get(authorizeUrl() + "&redirect_uri=https%3A%2F%2Fevil.example%2F"));
    assertNoRedirect(get(authorizeUrl() + "&client_id=" + server.app.id()));
    assertNoRedirect(get("/oauth/authorize"));
    assertNoRedirect(get(authorizeUrl() + "&bad=%C3%28"));
    assertThat(server.codeRows()).isEmpty();
  }

  @Test
  void aDisabledClientIsAPage() {
    server.admin.setClientEnabled(server.app.id(), false);
    server.cache.refresh();
    HttpResponse<String> page = get(authorizeUrl());
    assertNoRedirect(page);
    assertThat(server.audit(page.headers().firstValue("x-request-id").orElseThrow()).code()).isEqualTo("invalid_authorization_request");
  }

  /** The error sent back to the client for this request. */
  private Map<String, String> redirectedError(String url) {
    HttpResponse<String> answer = get(url);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(303);
    String location = answer.headers().firstValue("location").orElseThrow();
    assertThat(location).startsWith(AuthorizeServer.APP_REDIRECT + "?error=");
    Map<String, String> query = Browser.query(location);
    assertThat(query).containsKeys("error", "error_description").containsEntry("iss", server.issuer).doesNotContainKey("code");
    return query;
  }

  @Test
  void pkceIsRequiredWithS256() {
    assertThat(redirectedError(authorizeUrl("code_challenge", null))).containsEntry("error", "invalid_request").containsEntry("state", STATE);
    assertThat(redirectedError(authorizeUrl("code_challenge_method", null))).containsEntry("error", "invalid_request");
    assertThat(redirectedError(authorizeUrl("code_challenge_method", "plain", "code_challenge", VERIFIER)))
        .containsEntry("error", "invalid_request");
    assertThat(redirectedError(authorizeUrl("code_challenge", "short"))).containsEntry("error", "invalid_request");
  }

  @Test
  void theResourceMustBeOneKnownResource() {
    assertThat(redirectedError(authorizeUrl("resource", null))).containsEntry("error", "invalid_target").containsEntry("state", STATE);
    assertThat(redirectedError(authorizeUrl("resource", "https://unknown.example.com/mcp"))).containsEntry("error", "invalid_target");
    assertThat(redirectedError(authorizeUrl() + "&resource=" + java.net.URLEncoder.encode(AuthorizeServer.OTHER_RESOURCE, StandardCharsets.UTF_8)))
        .containsEntry("error", "invalid_target");
  }

  @Test
  void scopesMustBeAllowedScopeTokens() {
    assertThat(redirectedError(authorizeUrl("scope", "notes:read admin"))).containsEntry("error", "invalid_scope")
        .hasEntrySatisfying("error_description", d -> assertThat(d).contains("admin"));
    assertThat(redirectedError(authorizeUrl("scope", "notes:read  notes:write"))).containsEntry("error", "invalid_scope");
    assertThat(redirectedError(authorizeUrl("scope", "notes\"read"))).containsEntry("error", "invalid_scope");
  }

  @Test
  void otherRequestErrorsGoBackToTheClient() {
    assertThat(redirectedError(authorizeUrl("response_type", "token"))).containsEntry("error", "unsupported_response_type");
    assertThat(redirectedError(authorizeUrl("response_type", null))).containsEntry("error", "invalid_request");
    assertThat(redirectedError(authorizeUrl("request_uri", "urn:ietf:params:oauth:request_uri:x"))).containsEntry("error", "request_not_supported");
    assertThat(redirectedError(authorizeUrl("request", "eyJhbGciOiJub25lIn0.e30."))).containsEntry("error", "request_not_supported");
    assertThat(redirectedError(authorizeUrl("response_mode", "fragment"))).containsEntry("error", "invalid_request");
    assertThat(redirectedError(authorizeUrl() + "&scope=notes%3Awrite")).containsEntry("error", "invalid_request").containsEntry("state", STATE);
    // A repeated or overlong state is not echoed.
    assertThat(redirectedError(authorizeUrl() + "&state=other")).containsEntry("error", "invalid_request").doesNotContainKey("state");
    assertThat(redirectedError(authorizeUrl("state", "s".repeat(AuthorizationRequest.MAX_STATE_CHARS + 1))))
        .containsEntry("error", "invalid_request").doesNotContainKey("state");
    assertThat(server.codeRows()).isEmpty();
  }

  @Test
  void aRedirectUriWithAQueryKeepsIt() {
    String withQuery = "https://app.example.com/callback?tenant=7";
    server.oauth.setRedirectUris(server.app.id(), java.util.List.of(withQuery));
    server.cache.refresh();
    HttpResponse<String> answer = get(authorizeUrl("redirect_uri", withQuery, "resource", null));
    assertThat(answer.headers().firstValue("location")).hasValueSatisfying(l -> assertThat(l).startsWith(withQuery + "&error=invalid_target&"));
  }

  @Test
  void aHostileStateIsEncodedInTheRedirect() {
    String hostile = "\"><script>alert(1)</script>&code=forged\r\nX-Injected: 1";
    Map<String, String> query = redirectedError(authorizeUrl("state", hostile, "resource", null));
    assertThat(query).containsEntry("state", hostile).containsEntry("error", "invalid_target");
    HttpResponse<String> login = get(authorizeUrl("state", hostile));
    assertThat(login.body()).doesNotContain("<script>").doesNotContain("forged");
  }

  /** Bytes sent as they are, for requests the JDK client would refuse to send. */
  private String raw(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      // No half-close: the server closes after its answer (Connection: close); a half-closed connection
      // is closed by the server before an answer that waits for its audit record can leave.
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      in.transferTo(response);
      return response.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void malformedRequestsOnTheWireAre400WithoutAStackTrace() throws IOException {
    String host = "Host: 127.0.0.1\r\nConnection: close\r\n\r\n";
    // Well-formed HTTP with a broken query: the endpoint's own 400 page.
    for (String request : new String[] {
        "GET /oauth/authorize?client_id=%zz&redirect_uri=x HTTP/1.1\r\n" + host,
        "GET /oauth/authorize?client_id=" + server.app.id() + "&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback&state=%zz HTTP/1.1\r\n" + host,
        "GET /oauth/authorize?client_id=" + server.app.id() + "&redirect_uri=%E0%80%AF HTTP/1.1\r\n" + host,
        "GET /oauth/authorize?client_id=%\u00ff%&state=%%% HTTP/1.1\r\n" + host,
        "GET /oauth/authorize?client_id=%00%0d%0a HTTP/1.1\r\n" + host}) {
      String response = raw(request);
      assertThat(response).as(request).startsWith("HTTP/1.1 400").containsIgnoringCase("content-type: text/html; charset=utf-8")
          .contains("<h1>This sign-in request cannot be used</h1>");
      assertThat(response).as(request).doesNotContain("Exception").doesNotContain("\tat ").doesNotContainIgnoringCase("location:");
    }
    // Not HTTP at all: refused by the server before any endpoint.
    for (String request : new String[] {
        "GET /oauth/authorize?client_id=a b HTTP/1.1\r\n" + host,
        "GET /oauth/authorize HTTP/9.9 extra\r\n" + host,
        "\u0001\u0002 garbage\r\n" + host}) {
      String response = raw(request);
      assertThat(response).as(request).matches("(?s)HTTP/1\\.[01] 400 .*");
      assertThat(response).as(request).doesNotContain("Exception").doesNotContain("\tat ").doesNotContainIgnoringCase("location:");
    }
  }
}
