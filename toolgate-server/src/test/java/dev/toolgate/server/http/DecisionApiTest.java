package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.port.ClientRecord;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The decision API on its own: the call it judges comes from the one source server.decisions
 * configures, and a request that describes the call any other way as well is refused, never
 * preferred. It never forwards.
 */
class DecisionApiTest {
  static final String TOOLS = """
        - name: orders
          platform: sendbird
          method: GET
          path: /orders/{order_id}
          upstream: UPSTREAM
          policy: { require: [api_key] }
        - name: public
          method: "*"
          path: /public/**
          upstream: UPSTREAM
          policy: { anonymous: true }
      """;

  static HttpRequest.Builder decision(GatewayHarness h, String path) {
    return HttpRequest.newBuilder(URI.create(h.base() + path));
  }

  static void assertProblem(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(new JsonObject(r.body()).getString("code")).as(r.body()).isEqualTo(code);
  }

  @Test
  void theDescribedCallIsJudgedWithoutBeingForwarded() throws Exception {
    try (GatewayHarness h = new GatewayHarness(TOOLS)) {
      ClientRecord client = h.admin.createClient("app", "sendbird");
      String key = h.admin.createApiKey(client.id(), Set.of("orders"), null).plaintext();
      h.start();
      int before = h.upstream.hits.get();
      HttpResponse<String> allowed = h.send(decision(h, "/decisions")
          .header("X-Original-URI", "/orders/A-1?full=1").header("X-Original-Method", "GET").header("api-key", key));
      assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
      assertThat(allowed.headers().firstValue("x-toolgate-client")).hasValue(client.id());
      assertThat(allowed.headers().firstValue("x-toolgate-tool")).hasValue("orders");

      HttpResponse<String> denied = h.send(decision(h, "/decisions")
          .header("X-Original-URI", "/orders/A-1").header("X-Original-Method", "GET").header("api-key", "tgk_wrong"));
      assertProblem(denied, 401, "api_key_invalid");
      // nginx's auth_request drops the body: the same problem rides in a header it can hand on.
      JsonObject inHeader = new JsonObject(denied.headers().firstValue("x-toolgate-problem").orElseThrow());
      assertThat(inHeader).isEqualTo(new JsonObject(denied.body()));
      assertThat(denied.headers().firstValue("www-authenticate")).isPresent();

      HttpResponse<String> post = h.send(decision(h, "/decisions")
          .header("X-Original-URI", "/orders/A-1").header("X-Original-Method", "POST").header("api-key", key));
      assertProblem(post, 405, "method_not_allowed");
      assertProblem(h.send(decision(h, "/decisions").header("X-Original-URI", "/orders/A-1").header("api-key", key)),
          400, "decision_target_invalid");
      assertProblem(h.send(decision(h, "/decisions").header("X-Original-Method", "GET").header("api-key", key)),
          400, "decision_target_invalid");
      assertProblem(h.send(decision(h, "/decisions").header("X-Original-URI", "orders/A-1").header("X-Original-Method", "GET")),
          400, "decision_target_invalid");
      assertProblem(h.send(decision(h, "/decisions").header("X-Original-URI", "/orders/A-1").header("X-Original-Method", "get")),
          400, "decision_target_invalid");
      assertProblem(h.send(decision(h, "/decisions")), 400, "decision_target_invalid");
      assertThat(h.upstream.hits.get()).as("the decision API never forwards").isEqualTo(before);
    }
  }

  /**
   * The client's own headers reach Toolgate through the proxy. Each of these, next to a complete
   * description of a protected call, would have described a harmless one instead (or told an
   * upstream to run another method): all are refused with 400, none is preferred.
   */
  @Test
  void aSecondDescriptionIsRefusedNeverPreferred() throws Exception {
    try (GatewayHarness h = new GatewayHarness(TOOLS)) {
      h.start();
      for (String header : List.of("X-Forwarded-Uri", "X-Forwarded-Method", "X-Envoy-Original-Path", "X_Forwarded_Uri", "x_original_uri")) {
        String value = header.toLowerCase().contains("method") ? "GET" : "/public/x";
        HttpResponse<String> r = h.send(decision(h, "/decisions")
            .header("X-Original-URI", "/orders/A-1").header("X-Original-Method", "GET").header(header, value));
        assertProblem(r, 400, "decision_target_ambiguous");
        assertThat(new JsonObject(r.body()).getString("detail")).contains(header);
      }
      // Method and path overrides are judged per tool (forward_headers), as on the proxy path.
      for (String header : List.of("X-Original-URL", "X-Rewrite-URL", "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override")) {
        String value = header.toLowerCase().contains("method") ? "GET" : "/public/x";
        assertProblem(h.send(decision(h, "/decisions")
            .header("X-Original-URI", "/orders/A-1").header("X-Original-Method", "GET").header(header, value)), 400, "override_header_not_allowed");
      }
      assertProblem(h.send(decision(h, "/decisions")
          .header("X-Original-URI", "/orders/A-1").header("X-Original-URI", "/public/x").header("X-Original-Method", "GET")),
          400, "decision_target_ambiguous");
      assertProblem(h.send(decision(h, "/decisions")
          .header("X-Original-URI", "/orders/A-1").header("X-Original-Method", "GET").header("X-Original-Method", "POST")),
          400, "decision_target_ambiguous");
      // The Envoy way (a path below /decisions) is a second source when headers are configured.
      assertProblem(h.send(decision(h, "/decisions/public/x").header("X-Original-URI", "/orders/A-1").header("X-Original-Method", "GET")),
          400, "decision_target_ambiguous");
      assertProblem(h.send(decision(h, "/decisions/public/x")), 400, "decision_target_ambiguous");
      assertProblem(h.send(decision(h, "/decisions?/public/x").header("X-Original-URI", "/orders/A-1").header("X-Original-Method", "GET")),
          400, "decision_target_ambiguous");
      assertThat(h.upstream.hits.get()).isZero();
    }
  }

  @Test
  void envoysPathBelowDecisionsIsTheSourceWhenConfigured() throws Exception {
    try (GatewayHarness h = new GatewayHarness(TOOLS, "1s", "  decisions: { source: path }\n", "")) {
      ClientRecord client = h.admin.createClient("app", "sendbird");
      String key = h.admin.createApiKey(client.id(), Set.of("orders"), null).plaintext();
      h.start();
      HttpResponse<String> allowed = h.send(decision(h, "/decisions/orders/A-1?full=1").header("api-key", key));
      assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
      assertThat(allowed.headers().firstValue("x-toolgate-tool")).hasValue("orders");
      assertProblem(h.send(decision(h, "/decisions/orders/A-1").header("api-key", "tgk_wrong")), 401, "api_key_invalid");
      // The request's own method is the judged one.
      assertProblem(h.send(decision(h, "/decisions/orders/A-1").header("api-key", key).POST(HttpRequest.BodyPublishers.noBody())),
          405, "method_not_allowed");
      for (String header : List.of("X-Original-URI", "X-Forwarded-Uri", "X-Original-Method", "X-Forwarded-Method")) {
        assertProblem(h.send(decision(h, "/decisions/orders/A-1").header("api-key", key).header(header, header.endsWith("URI")
            || header.endsWith("Uri") ? "/orders/A-2" : "GET")), 400, "decision_target_ambiguous");
      }
      assertProblem(h.send(decision(h, "/decisions").header("api-key", key)), 400, "decision_target_invalid");
      assertThat(h.upstream.hits.get()).isZero();
    }
  }

  @Test
  void theProblemHeaderIsAsciiJson() {
    assertThat(Problem.ascii("{\"detail\":\"caf\u00e9 \u2028\"}")).isEqualTo("{\"detail\":\"caf\\u00e9 \\u2028\"}");
    assertThat(new JsonObject(Problem.ascii(new JsonObject().put("d", "\u00fc\n").encode())).getString("d")).isEqualTo("\u00fc\n");
  }
}
