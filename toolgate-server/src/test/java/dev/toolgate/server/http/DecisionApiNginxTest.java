package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.store.OAuthClientStore;
import io.vertx.core.json.JsonObject;
import org.assertj.core.api.SoftAssertions;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The decision API behind Debian's nginx with {@code auth_request}, using
 * docs/examples/nginx-auth-request.conf as shipped. Whatever a client sends, the call nginx
 * forwards is the call Toolgate judged: headers that describe another call, another method or
 * another client address never open a protected tool.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DecisionApiNginxTest {
  static final String TOOLS = """
        - name: public
          method: "*"
          path: /public/**
          upstream: UPSTREAM
          policy: { anonymous: true }
        - name: orders
          platform: sendbird
          method: GET
          path: /orders/{order_id}
          upstream: UPSTREAM
          policy: { require: [api_key] }
        - name: profile
          platform: sendbird
          method: GET
          path: /users/{user_id}/profile
          upstream: UPSTREAM
          policy: { require: [static_token] }
        - name: refund
          platform: sendbird
          method: POST
          path: /refunds
          upstream: UPSTREAM
          policy: { require: [sendbird_signature, api_key] }
        - name: reports
          method: GET
          path: /reports
          upstream: UPSTREAM
          policy:
            require: [client_token]
            client_token: { scopes: [orders.read] }
        - name: cancel
          method: POST
          path: /orders/{order_id}/cancel
          upstream: UPSTREAM
          policy:
            require: [client_token]
            client_token: { scopes: [orders.write] }
      """;

  GatewayHarness h;
  ClientRecord client;
  String key;
  String readOnlyToken;

  @BeforeAll
  void start() throws Exception {
    h = new GatewayHarness(TOOLS);
    client = h.admin.createClient("app", "sendbird");
    key = h.admin.createApiKey(client.id(), Set.of("*"), null).plaintext();
    OAuthClientStore oauth = new OAuthClientStore(h.adminDb);
    ClientRecord reader = h.admin.createClient("reader", "sendbird");
    oauth.setOAuthSettings(reader.id(), Set.of("orders.read"), Duration.ofMinutes(30), Set.of("client_secret_basic"), null);
    String secret = oauth.createClientSecret(reader.id(), null).plaintext();
    h.start();
    HttpResponse<String> issued = h.send(HttpRequest.newBuilder(URI.create(h.base() + "/oauth/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", "Basic " + Base64.getEncoder().encodeToString((reader.id() + ":" + secret).getBytes(StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=orders.read")));
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
    readOnlyToken = new JsonObject(issued.body()).getString("access_token");
  }

  @AfterAll
  void stop() {
    h.close();
  }

  @Test
  void nginxAuthRequestAllowsAndDeniesThroughToolgate() throws Exception {
    try (NginxFront nginx = NginxFront.start(h)) {
      HttpResponse<String> allowed = h.send(HttpRequest.newBuilder(URI.create(nginx.base() + "/orders/A-1?full=1")).header("api-key", key));
      assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
      assertThat(h.upstream.lastUri).isEqualTo("/orders/A-1?full=1");
      assertThat(h.upstream.lastHeaders.get("x-toolgate-client")).isEqualTo(client.id());
      assertThat(h.upstream.lastHeaders.contains("api-key")).isFalse();
      HttpResponse<String> read = h.send(HttpRequest.newBuilder(URI.create(nginx.base() + "/reports")).header("authorization", "Bearer " + readOnlyToken));
      assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
      assertThat(h.upstream.lastHeaders.contains("authorization")).isFalse();

      int before = h.upstream.hits.get();
      assertThat(h.send(HttpRequest.newBuilder(URI.create(nginx.base() + "/orders/A-1")).header("api-key", "tgk_wrong")).statusCode()).isEqualTo(401);
      assertThat(h.send(HttpRequest.newBuilder(URI.create(nginx.base() + "/orders/A-1"))).statusCode()).isEqualTo(401);
      // The method nginx forwards is the one judged: a POST is not judged as the GET of the same path.
      HttpResponse<String> post = h.send(HttpRequest.newBuilder(URI.create(nginx.base() + "/orders/A-1")).header("api-key", key)
          .POST(HttpRequest.BodyPublishers.ofString("{}")));
      assertThat(post.statusCode()).as(post.body()).isEqualTo(405);
      // A 403 insufficient_scope keeps its challenge, which names the missing scope.
      HttpResponse<String> narrow = h.send(HttpRequest.newBuilder(URI.create(nginx.base() + "/orders/A-1/cancel"))
          .header("authorization", "Bearer " + readOnlyToken).POST(HttpRequest.BodyPublishers.noBody()));
      assertThat(narrow.statusCode()).as(narrow.body()).isEqualTo(403);
      assertThat(new JsonObject(narrow.body()).getString("code")).isEqualTo("insufficient_scope");
      assertThat(narrow.headers().allValues("www-authenticate")).singleElement().asString().contains("insufficient_scope").contains("orders.write");
      HttpResponse<String> missing = h.send(HttpRequest.newBuilder(URI.create(nginx.base() + "/orders/A-1/cancel")).POST(HttpRequest.BodyPublishers.noBody()));
      assertThat(missing.statusCode()).isEqualTo(401);
      assertThat(missing.headers().allValues("www-authenticate")).hasSize(1);
      assertThat(h.upstream.hits.get()).as("denied calls never reach the tool").isEqualTo(before);
    }
  }

  /** Headers a client may send to make the auth subrequest describe a harmless call instead of its own. */
  static final List<Map<String, String>> SPOOFS = List.of(
      Map.of("X-Forwarded-Uri", "/public/x"),
      Map.of("X-Forwarded-Uri", "/public/x", "X-Forwarded-Method", "GET"),
      Map.of("X-Original-URI", "/public/x", "X-Original-Method", "GET", "X-Forwarded-Method", "GET"),
      Map.of("X-Original-URL", "/public/x", "X-Rewrite-URL", "/public/x", "X-HTTP-Method-Override", "GET"),
      Map.of("X-Forwarded-Uri", "/reports", "X-Forwarded-Method", "GET", "X-Forwarded-For", "10.0.0.1",
          "Forwarded", "for=10.0.0.1", "X-Real-IP", "10.0.0.1"));

  /** The protected calls: each must be refused whatever spoof rides along, and never reach the tool. */
  record Attempt(String method, String path, Map<String, String> credentials, int status) {}

  List<Attempt> attempts() {
    return List.of(
        new Attempt("GET", "/users/u-1/profile", Map.of(), 401),                                         // static token, none sent
        new Attempt("POST", "/refunds", Map.of("api-key", key, "content-type", "application/json"), 401), // no signature
        new Attempt("POST", "/orders/A-1/cancel", Map.of("authorization", "Bearer " + readOnlyToken), 403), // orders.read only
        new Attempt("POST", "/orders/A-1/cancel", Map.of(), 401));
  }

  @Test
  void clientSuppliedDescriptionsNeverOpenAProtectedTool() throws Exception {
    try (NginxFront nginx = NginxFront.start(h)) {
      assertEveryProtectedCallRefused(nginx, false);
    }
  }

  /**
   * A hand-written nginx configuration that forgets to clear the competing headers: Toolgate
   * itself refuses a second description (400), so the call is still refused and never forwarded.
   */
  @Test
  void toolgateRefusesACompetingDescriptionEvenWhenTheProxyPassesIt() throws Exception {
    try (NginxFront nginx = NginxFront.start(h, conf -> conf.lines()
        .filter(line -> !(line.contains("proxy_set_header") && line.contains("\"\"") && !line.contains("Content-Length")))
        .reduce("", (a, b) -> a + b + "\n"))) {
      assertEveryProtectedCallRefused(nginx, true);
    }
  }

  private void assertEveryProtectedCallRefused(NginxFront nginx, boolean competingReachesToolgate) throws Exception {
    SoftAssertions soft = new SoftAssertions();
    for (Attempt attempt : attempts()) {
      for (Map<String, String> spoof : SPOOFS) {
        int before = h.upstream.hits.get();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(nginx.base() + attempt.path()))
            .method(attempt.method(), attempt.method().equals("POST") ? HttpRequest.BodyPublishers.ofString("{\"order_id\":\"A-1\"}")
                : HttpRequest.BodyPublishers.noBody());
        attempt.credentials().forEach(b::header);
        spoof.forEach(b::header);
        HttpResponse<String> r = h.send(b);
        String what = attempt + " with " + spoof + ": " + r.body();
        if (competingReachesToolgate) {
          soft.assertThat(r.statusCode()).as(what).isIn(400, attempt.status());
        } else {
          soft.assertThat(r.statusCode()).as(what).isEqualTo(attempt.status());
        }
        // Toolgate's own refusal reaches the client: its problem body and request id, not an nginx error page.
        soft.assertThat(r.headers().firstValue("content-type")).as(what).hasValue("application/problem+json");
        soft.assertThat(r.headers().firstValue("x-request-id")).as(what).isPresent();
        if (r.statusCode() == 400) {
          soft.assertThat(r.body()).as(what).containsAnyOf("\"code\":\"decision_target_ambiguous\"", "\"code\":\"override_header_not_allowed\"");
        }
        soft.assertThat(h.upstream.hits.get()).as("the tool was reached: " + what).isEqualTo(before);
      }
    }
    soft.assertAll();
  }
}
