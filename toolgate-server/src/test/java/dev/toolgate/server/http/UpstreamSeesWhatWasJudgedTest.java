package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.users.PasswordHasher;
import dev.toolgate.server.users.UserStore;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The upstream must run the call Toolgate judged: no header that makes it run another method or
 * path, no forwarding header the caller made up, no {@code Connection} that removes what a check
 * read, no user token under a look-alike query name. Raw sockets, because an HTTP client tidies
 * names, duplicates and query syntax; each test asserts what the upstream received, or that it
 * received nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamSeesWhatWasJudgedTest {
  static final String TOOLS = """
        - name: anon
          method: "*"
          path: /anon/**
          upstream: UPSTREAM
          policy: { anonymous: true }
        - name: legacy
          method: POST
          path: /legacy
          upstream: UPSTREAM
          policy: { anonymous: true }
          forward_headers: [X-HTTP-Method-Override]
        - name: bound
          platform: sendbird
          method: POST
          path: /bound
          upstream: UPSTREAM
          policy: { require: [api_key] }
          user:
            platform_user_id: { body_field: /user_id }
        - name: lookup
          platform: sendbird
          method: GET
          path: /lookup
          upstream: UPSTREAM
          policy: { require: [api_key, user_token] }
          user:
            platform_user_id: { header: x-user }
        - name: bearer
          method: GET
          path: /bearer
          upstream: UPSTREAM
          policy: { require: [static_token] }
        - name: query_profile
          method: GET
          path: /query-profile
          upstream: UPSTREAM
          policy:
            require: [user_token]
            user_token: { query_param: jwt }
      authorization_server:
        password_hash: { memory_kib: 8192, iterations: 1, parallelism: 1 }
      """;

  GatewayHarness h;
  String apiKey;
  String jwt;

  @BeforeAll
  void start() throws Exception {
    h = new GatewayHarness(TOOLS);
    ClientRecord client = h.admin.createClient("sendbird-app", "sendbird");
    apiKey = h.admin.createApiKey(client.id(), Set.of("*"), null).plaintext();
    UserStore users = new UserStore(h.adminDb);
    users.createUser("ada", new PasswordHasher(new PasswordHasher.Parameters(8192, 1, 1)).hash("ada password 1"));
    users.mapPlatformUser("sendbird", "sb-ada", "ada");
    h.start();
    HttpResponse<String> login = h.send(HttpRequest.newBuilder(URI.create(h.base() + "/auth/customer_authenticate"))
        .POST(HttpRequest.BodyPublishers.ofString("username=ada&password=ada+password+1", StandardCharsets.UTF_8))
        .header("content-type", "application/x-www-form-urlencoded"));
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    jwt = new JsonObject(login.body()).getString("JWT");
  }

  @AfterAll
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  // ------------------------------------------------------------------ item 3: override and forwarding headers

  @Test
  void methodAndPathOverrideHeadersAreDroppedInEveryCaseAndSpelling() throws Exception {
    String response = send("GET /anon/x HTTP/1.1\r\nHost: x\r\n"
        + "X-HTTP-Method-Override: DELETE\r\nx_http_method: DELETE\r\nX-METHOD-OVERRIDE: DELETE\r\nx-method_override: DELETE\r\n"
        + "X-Original-URL: /admin/delete\r\nX_Rewrite_URL: /admin/delete\r\nx-rewrite-url: /admin/delete\r\nX-Kept: yes\r\n", null);
    assertThat(RawHttp.status(response)).as(response).isEqualTo(200);
    MultiMap seen = h.upstream.lastHeaders;
    assertThat(normalizedNames(seen)).doesNotContainAnyElementsOf(
        List.of("x-http-method-override", "x-http-method", "x-method-override", "x-original-url", "x-rewrite-url"));
    assertThat(seen.entries()).noneSatisfy(e -> assertThat(e.getValue()).isIn("DELETE", "/admin/delete"));
    assertThat(seen.get("x-kept")).as("other headers pass").isEqualTo("yes");
    assertThat(h.upstream.lastUri).isEqualTo("/anon/x");
  }

  @Test
  void aToolMayLetANamedOverrideHeaderThroughAndOnlyThatOne() throws Exception {
    String response = send("POST /legacy HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
        + "X-HTTP-Method-Override: PATCH\r\nX-Original-URL: /admin/delete\r\nX-Method-Override: DELETE\r\n", null);
    assertThat(RawHttp.status(response)).as(response).isEqualTo(200);
    MultiMap seen = h.upstream.lastHeaders;
    assertThat(seen.getAll("x-http-method-override")).containsExactly("PATCH");
    assertThat(normalizedNames(seen)).doesNotContain("x-original-url", "x-method-override");
  }

  @Test
  void forwardingHeadersCarryWhatToolgateSawNeverWhatTheCallerClaims() throws Exception {
    String response = send("GET /anon/x HTTP/1.1\r\nHost: gw.example:8443\r\n"
        + "X-Forwarded-For: 10.6.6.6\r\nX-Forwarded-Host: evil.example\r\nX_Forwarded_Host: evil.example\r\n"
        + "X-Forwarded-Port: 1\r\nx-forwarded_port: 1\r\nX-Forwarded-Proto: https\r\nX_FORWARDED_PROTO: https\r\n"
        + "X-Forwarded-Prefix: /evil\r\nForwarded: for=10.6.6.6;proto=https;host=evil.example\r\nforwarded: for=10.6.6.7\r\n"
        + "X-Real-IP: 10.6.6.6\r\nX_Real_IP: 10.6.6.6\r\nTrue-Client-IP: 10.6.6.6\r\nX-Client-IP: 10.6.6.6\r\nx_client_ip: 10.6.6.6\r\n"
        + "Client-IP: 10.6.6.6\r\nX-Cluster-Client-IP: 10.6.6.6\r\nX-Forwarded-Scheme: https\r\nX-Forwarded-Ssl: on\r\n"
        + "X-Forwarded-Server: evil.example\r\nX-Forwarded-Uri: /evil\r\nX-Original-URI: /evil\r\nX-Forwarded-Method: DELETE\r\n"
        + "X-Original-Method: DELETE\r\nX-Envoy-Original-Path: /evil\r\nX-Forwarded-Path: /evil\r\nX-Host: evil.example\r\n"
        + "X-Original-Host: evil.example\r\nX-Original-Forwarded-For: 10.6.6.6\r\nX-ProxyUser-Ip: 10.6.6.6\r\n"
        + "X-Envoy-External-Address: 10.6.6.6\r\n", null);
    assertThat(RawHttp.status(response)).as(response).isEqualTo(200);
    MultiMap seen = h.upstream.lastHeaders;
    assertThat(seen.getAll("x-forwarded-for")).containsExactly("127.0.0.1");
    assertThat(seen.getAll("x-forwarded-host")).containsExactly("gw.example:8443");
    assertThat(seen.getAll("x-forwarded-port")).containsExactly(Integer.toString(h.gateway.port()));
    assertThat(seen.getAll("x-forwarded-proto")).containsExactly("http");
    assertThat(normalizedNames(seen)).doesNotContainAnyElementsOf(List.of("forwarded", "x-forwarded-prefix", "x-real-ip", "true-client-ip",
        "x-client-ip", "client-ip", "x-cluster-client-ip", "x-forwarded-scheme", "x-forwarded-ssl", "x-forwarded-server",
        "x-forwarded-uri", "x-original-uri", "x-forwarded-method", "x-original-method", "x-envoy-original-path", "x-forwarded-path",
        "x-host", "x-original-host", "x-original-forwarded-for", "x-proxyuser-ip", "x-envoy-external-address"));
    assertThat(seen.names()).allSatisfy(name -> assertThat(name).doesNotContain("_"));
    assertThat(seen.entries()).noneSatisfy(e -> assertThat(e.getValue()).containsAnyOf("10.6.6", "evil", "https", "DELETE"));
  }

  @Test
  void toolgatesOwnBrowserCookiesNeverReachAnUpstreamOthersDo() throws Exception {
    // The console's session cookie is Path=/, so a browser sends it to tools on the same host; an
    // upstream holding it could ask /console/session for the CSRF token and act as the admin.
    String response = send("GET /anon/x HTTP/1.1\r\nHost: x\r\n"
        + "Cookie: app=1; toolgate_console=sealed-a; __Host-toolgate_console=sealed-b\r\n"
        + "Cookie: __Secure-toolgate_authorize_session=sealed-c;theme=dark\r\n"
        + "Cookie: toolgate_authorize_csrf=n1\r\n", null);
    assertThat(RawHttp.status(response)).as(response).isEqualTo(200);
    MultiMap seen = h.upstream.lastHeaders;
    assertThat(String.join("; ", seen.getAll("cookie"))).isEqualTo("app=1; theme=dark");
    assertThat(seen.entries()).noneSatisfy(e -> assertThat(e.getValue()).contains("sealed"));
  }

  @Test
  void anUpstreamCannotSetToolgatesOwnBrowserCookiesOthersPass() throws Exception {
    // The console's session and the authorization pages' cookies live on the gateway's host, as do
    // the tools' answers: an upstream's Set-Cookie could plant a session of its choosing there
    // (signing an admin in as someone else) or a CSRF nonce it knows (the authorization pages).
    String response = send("GET /anon/sets-cookies HTTP/1.1\r\nHost: x\r\n", null);
    assertThat(RawHttp.status(response)).as(response).isEqualTo(200);
    List<String> setCookies = response.lines().filter(l -> l.regionMatches(true, 0, "set-cookie:", 0, 11))
        .map(l -> l.substring(11).strip()).toList();
    assertThat(setCookies).containsExactly("app=1; Path=/", "theme=dark; Max-Age=60");
    assertThat(response).doesNotContain("planted").doesNotContain("toolgate_");
  }

  @Test
  void anUpstreamsAnswerIsSandboxedSoAPageItServesCannotActOnTheConsolesOrigin() throws Exception {
    // Same origin as /console/: a script in an upstream's page could read the console's CSRF token.
    String response = send("GET /anon/sets-cookies HTTP/1.1\r\nHost: x\r\n", null);
    assertThat(RawHttp.status(response)).as(response).isEqualTo(200);
    assertThat(response.lines().filter(l -> l.regionMatches(true, 0, "content-security-policy:", 0, 24))
        .map(l -> l.substring(24).strip()).toList()).containsExactly("sandbox");
  }

  @Test
  void theDecisionApiRefusesAnOverrideHeaderItCannotDrop() throws Exception {
    int before = h.upstream.hits.get();
    String refused = send("GET /decisions HTTP/1.1\r\nHost: x\r\nX-Original-URI: /anon/x\r\nX-Original-Method: GET\r\n"
        + "X_HTTP_Method_Override: DELETE\r\n", null);
    assertThat(RawHttp.status(refused)).as(refused).isEqualTo(400);
    assertThat(refused).contains("\"code\":\"override_header_not_allowed\"").contains("forward_headers");
    String allowed = send("GET /decisions HTTP/1.1\r\nHost: x\r\nX-Original-URI: /legacy\r\nX-Original-Method: POST\r\n"
        + "X-HTTP-Method-Override: PATCH\r\n", null);
    assertThat(RawHttp.status(allowed)).as(allowed).isEqualTo(200);
    assertThat(h.upstream.hits.get()).isEqualTo(before);
  }

  // ------------------------------------------------------------------ item 4: Connection must not remove what was judged

  @Test
  void aConnectionHeaderNamingAHeaderAChecksReadIsRefused() throws Exception {
    String body = "{\"user_id\":\"sb-ada\"}";
    String bound = "POST /bound HTTP/1.1\r\nHost: x\r\napi-key: " + apiKey + "\r\nContent-Type: application/json\r\nContent-Length: "
        + body.length() + "\r\n";
    String lookup = "GET /lookup HTTP/1.1\r\nHost: x\r\napi-key: " + apiKey + "\r\ncustomer-auth: JWT " + jwt + "\r\nx-user: sb-ada\r\n";
    String bearer = "GET /bearer HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tgt_whatever\r\n";
    String anon = "GET /anon/x HTTP/1.1\r\nHost: x\r\n";
    record Case(String head, String body, String connection, String named) {}
    for (Case c : List.of(
        new Case(bound, body, "content-type", "content-type"),
        new Case(bound, body, "close, Content_Type", "content-type"),
        new Case(bound, body, "keep-alive,CONTENT-TYPE", "content-type"),
        new Case(bound, body, "content-length", "content-length"),
        new Case(bound, body, "API-Key", "api-key"),
        new Case(lookup, null, "x_user", "x-user"),
        new Case(lookup, null, "customer-auth", "customer-auth"),
        new Case(bearer, null, "authorization", "authorization"),
        new Case(anon, null, "host", "host"))) {
      int before = h.upstream.hits.get();
      String response = send(c.head() + "Connection: " + c.connection() + "\r\n", c.body());
      assertThat(RawHttp.status(response)).as(c.connection() + ": " + response).isEqualTo(400);
      assertThat(response).contains("\"code\":\"connection_lists_checked_header\"").contains("Connection lists " + c.named());
      assertThat(h.upstream.hits.get()).as("upstream untouched: " + c.connection()).isEqualTo(before);
    }
  }

  @Test
  void aConnectionHeaderNamingOtherHeadersStillRemovesThem() throws Exception {
    String body = "{\"user_id\":\"sb-ada\"}";
    String response = send("POST /bound HTTP/1.1\r\nHost: x\r\napi-key: " + apiKey + "\r\nContent-Type: application/json\r\nContent-Length: "
        + body.length() + "\r\nX-Hop: 1\r\nConnection: keep-alive, X-Hop\r\n", body);
    assertThat(RawHttp.status(response)).as(response).isEqualTo(200);
    MultiMap seen = h.upstream.lastHeaders;
    assertThat(seen.get("content-type")).isEqualTo("application/json");
    assertThat(seen.contains("x-hop")).isFalse();
    assertThat(h.upstream.lastBody.toString()).isEqualTo(body);
  }

  // ------------------------------------------------------------------ item 5: look-alike query names of a user token

  @Test
  void aUserTokenUnderALookalikeQueryNameIsRefused() throws Exception {
    for (String lookalike : List.of("JWT", "Jwt", "jwt[]", "jwt[0]", "jwt.x", "jwt%20", "%20jwt", "jwt+", "JWT%5B%5D", "jwt%E2%80%8B")) {
      for (String query : List.of("jwt=" + jwt + "&" + lookalike + "=" + jwt, lookalike + "=" + jwt, lookalike + "=x&jwt=" + jwt)) {
        int before = h.upstream.hits.get();
        String response = send("GET /query-profile?" + query + " HTTP/1.1\r\nHost: x\r\n", null);
        assertThat(RawHttp.status(response)).as(query + ": " + response).isEqualTo(400);
        assertThat(response).contains("\"code\":\"bad_request\"").contains("query parameter jwt sent more than once").doesNotContain(jwt);
        assertThat(h.upstream.hits.get()).as("upstream untouched: " + query).isEqualTo(before);
      }
    }
    // A ';' separates parameters to Rack 2, old Go and Python: the verified jwt stripped, a forged one would be read upstream.
    for (String query : List.of("jwt=" + jwt + "&x=1;jwt=forged", "jwt=" + jwt + "&amp;jwt=forged", "jwt=" + jwt + "&jwt;x=1")) {
      int before = h.upstream.hits.get();
      String refused = send("GET /query-profile?" + query + " HTTP/1.1\r\nHost: x\r\n", null);
      assertThat(RawHttp.status(refused)).as(query + ": " + refused).isEqualTo(400);
      assertThat(refused).contains("\"code\":\"bad_request\"").contains("in a query holding ';'").doesNotContain(jwt);
      assertThat(h.upstream.hits.get()).as("upstream untouched: " + query).isEqualTo(before);
    }
    String response = send("GET /query-profile?jwt=" + jwt + "&jwt_version=2&other[jwt]=1 HTTP/1.1\r\nHost: x\r\n", null);
    assertThat(RawHttp.status(response)).as(response).isEqualTo(200);
    assertThat(h.upstream.lastUri).isEqualTo("/query-profile?jwt_version=2&other[jwt]=1");
  }

  // ------------------------------------------------------------------ helpers

  /** Sends the head (request line and header lines, each ending in CRLF) and the body, on a connection of its own. */
  private String send(String head, String body) throws Exception {
    return RawHttp.send(h.gateway.port(), head + "\r\n", body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  /** Header names as an upstream stack that folds case and '_' reads them. */
  private static List<String> normalizedNames(MultiMap headers) {
    return headers.names().stream().map(n -> n.toLowerCase(Locale.ROOT).replace('_', '-')).toList();
  }
}
