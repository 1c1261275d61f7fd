package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.credential.SendbirdSignatureVerifier;
import dev.toolgate.core.port.ClientRecord;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A real gateway with its management port on: a scripted mix of allowed and refused calls, then
 * {@code /metrics} scraped over HTTP, series by series: exact counts, histogram counts, bounded
 * labels (no user id, no raw path, no credential), and the management port's other answers.
 */
class MetricsIntegrationTest {
  static final String TOOLS = """
        - name: token
          platform: sendbird
          method: GET
          path: /users/{user_id}/profile
          upstream: UPSTREAM/profile/{user_id}
          policy: { require: [static_token] }
        - name: asapp_only
          platform: asapp
          method: GET
          path: /asapp
          upstream: UPSTREAM
          policy: { require: [static_token] }
        - name: limited
          method: GET
          path: /limited
          upstream: UPSTREAM
          policy: { anonymous: true }
          rate_limits:
            - { per: ip, limit: 1, period: 1h }
        - name: dead
          method: GET
          path: /dead
          upstream: http://127.0.0.1:1
          policy: { anonymous: true }
        - name: signed
          platform: sendbird
          method: POST
          path: /signed
          upstream: UPSTREAM
          policy: { require: [sendbird_signature] }
      management:
        host: 127.0.0.1
        port: 0
      access_log: {format: json, path: access.log}
      """;
  static final String USER = "u-secret-4711";
  static final String MASTER_TOKEN = "master-token-for-metrics";
  static final String BODY = "{\"order_id\":\"A-1\"}";

  @Test
  void aScriptedMixOfCallsIsCountedExactlyWithBoundedLabels() throws Exception {
    try (GatewayHarness h = new GatewayHarness(TOOLS)) {
      ClientRecord client = h.admin.createClient("metrics-app", "sendbird");
      h.admin.addSigningSecret(client.id(), MASTER_TOKEN.getBytes(StandardCharsets.UTF_8), null);
      String token = h.admin.createStaticToken(client.id(), null).plaintext();
      h.start();
      String signature = HexFormat.of().formatHex(SendbirdSignatureVerifier.hmac(MASTER_TOKEN.getBytes(StandardCharsets.UTF_8),
          BODY.getBytes(StandardCharsets.UTF_8)));

      for (int i = 0; i < 3; i++) {
        expect(h, h.get("/users/" + USER + "/profile?q=1").header("authorization", "Bearer " + token), 200);
      }
      for (int i = 0; i < 2; i++) {
        expect(h, h.get("/users/" + USER + "/profile").header("authorization", "Bearer " + token + "x"), 401);
      }
      expect(h, h.get("/asapp").header("authorization", "Bearer " + token), 403);
      expect(h, h.get("/limited"), 200);
      expect(h, h.get("/limited"), 429);
      expect(h, h.get("/nowhere/" + USER), 404);
      expect(h, h.get("/dead"), 502);
      expect(h, h.post("/signed", BODY).header("x-sendbird-signature", signature), 200);
      expect(h, h.post("/signed", BODY).header("x-sendbird-signature", signature.replace('a', 'b').replace('0', '1')), 401);
      expect(h, h.get("/decisions").header("X-Original-URI", "/users/" + USER + "/profile").header("X-Original-Method", "GET")
          .header("authorization", "Bearer " + token), 200);
      expect(h, h.post("/oauth/token", "grant_type=client_credentials").setHeader("content-type", "application/x-www-form-urlencoded")
          .header("authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("nobody:wrong".getBytes(StandardCharsets.UTF_8))), 401);

      Scrape m = scrapeUntil(h, 13);
      // Every call, by tool, decision, code and status: exactly.
      assertThat(m.value("toolgate_tool_calls_total", "mode", "proxy", "tool", "token", "decision", "allow", "code", "ok", "status", "200")).isEqualTo(3);
      assertThat(m.value("toolgate_tool_calls_total", "mode", "proxy", "tool", "token", "decision", "deny", "code", "token_invalid", "status", "401")).isEqualTo(2);
      assertThat(m.value("toolgate_tool_calls_total", "tool", "asapp_only", "decision", "deny", "code", "not_allowed", "status", "403")).isEqualTo(1);
      assertThat(m.value("toolgate_tool_calls_total", "tool", "limited", "decision", "allow", "code", "ok", "status", "200")).isEqualTo(1);
      assertThat(m.value("toolgate_tool_calls_total", "tool", "limited", "decision", "deny", "code", "rate_limited", "status", "429")).isEqualTo(1);
      assertThat(m.value("toolgate_tool_calls_total", "tool", "(none)", "decision", "deny", "code", "route_not_found", "status", "404")).isEqualTo(1);
      assertThat(m.value("toolgate_tool_calls_total", "tool", "dead", "decision", "allow", "code", "upstream_unreachable", "status", "502")).isEqualTo(1);
      assertThat(m.value("toolgate_tool_calls_total", "tool", "signed", "code", "ok", "status", "200")).isEqualTo(1);
      assertThat(m.value("toolgate_tool_calls_total", "tool", "signed", "code", "signature_invalid", "status", "401")).isEqualTo(1);
      assertThat(m.value("toolgate_tool_calls_total", "mode", "decision", "tool", "token", "decision", "allow", "code", "ok", "status", "200")).isEqualTo(1);
      assertThat(m.value("toolgate_tool_calls_total", "mode", "proxy")).isEqualTo(12);
      assertThat(m.series("toolgate_tool_calls_total")).hasSize(10);

      // Histograms: the whole call and Toolgate's share for every call, the upstream's for forwarded calls only.
      assertThat(m.value("toolgate_tool_call_duration_seconds_count", "mode", "proxy", "tool", "token", "decision", "allow")).isEqualTo(3);
      assertThat(m.value("toolgate_tool_call_duration_seconds_count", "mode", "proxy", "tool", "token", "decision", "deny")).isEqualTo(2);
      assertThat(m.value("toolgate_tool_call_duration_seconds_count")).isEqualTo(13);
      assertThat(m.value("toolgate_tool_call_gateway_duration_seconds_count")).isEqualTo(13);
      assertThat(m.value("toolgate_tool_call_duration_seconds_bucket", "tool", "token", "decision", "allow", "le", "+Inf")).isEqualTo(4);
      assertThat(m.value("toolgate_tool_call_upstream_duration_seconds_count", "tool", "token")).isEqualTo(3);
      assertThat(m.value("toolgate_tool_call_upstream_duration_seconds_count", "tool", "dead")).isEqualTo(1);
      assertThat(m.value("toolgate_tool_call_upstream_duration_seconds_count")).isEqualTo(6); // token 3, limited, dead, signed
      assertThat(m.value("toolgate_tool_call_duration_seconds_sum", "tool", "token", "decision", "allow", "mode", "proxy"))
          .isGreaterThanOrEqualTo(m.value("toolgate_tool_call_gateway_duration_seconds_sum", "tool", "token", "decision", "allow", "mode", "proxy"));
      // Bytes: both signed calls had their bodies read; every answer has a body.
      assertThat(m.value("toolgate_tool_call_request_body_bytes_total", "tool", "signed")).isEqualTo(2 * BODY.length());
      assertThat(m.value("toolgate_tool_call_response_body_bytes_total", "tool", "token", "mode", "proxy")).isGreaterThan(0);

      // Toolgate's own endpoints, by outcome.
      assertThat(m.value("toolgate_endpoint_requests_total", "endpoint", "token", "status", "401")).isEqualTo(1);
      assertThat(m.value("toolgate_endpoint_duration_seconds_count", "endpoint", "token", "outcome", "refused")).isEqualTo(1);

      // Dependencies, caches, the runtime.
      assertThat(m.value("toolgate_store_up")).isEqualTo(1);
      assertThat(m.value("toolgate_audit_state", "state", "ok")).isEqualTo(1);
      assertThat(m.value("toolgate_audit_state", "state", "losing")).isEqualTo(0);
      assertThat(m.names()).contains("toolgate_audit_records_queued", "toolgate_audit_spool_bytes", "toolgate_audit_records_written_total",
          "toolgate_audit_records_dropped_total", "toolgate_store_poll_duration_seconds_count", "toolgate_http_server_connections",
          "toolgate_cache_size", "toolgate_cache_gets_total", "jvm_memory_used_bytes", "jvm_threads_live_threads", "jvm_gc_memory_allocated_bytes_total",
          "process_cpu_usage", "process_uptime_seconds", "netty_eventexecutor_tasks_pending");
      assertThat(m.series("toolgate_cache_gets_total")).extracting(s -> s.labels().get("cache")).contains("client_tokens", "user_tokens", "users");
      assertThat(m.value("toolgate_http_server_connections")).isGreaterThanOrEqualTo(1);
      assertThat(m.value("toolgate_access_log_lines_dropped_total")).isZero();
      assertThat(m.names()).contains("toolgate_access_log_lines_queued");

      // Bounded labels: no user id, no raw path, no query, no credential; client ids are not labels either.
      assertThat(m.text()).doesNotContain(USER).doesNotContain("/users/").doesNotContain("/nowhere").doesNotContain("q=1")
          .doesNotContain(token).doesNotContain(signature).doesNotContain(client.id());

      // The main port does not serve /metrics (404 as before); health answers are the same on both ports.
      HttpResponse<String> mainMetrics = h.send(h.get("/metrics"));
      assertThat(mainMetrics.statusCode()).isEqualTo(404);
      assertThat(new JsonObject(mainMetrics.body()).getString("code")).isEqualTo("route_not_found");
      for (String path : List.of("/healthz", "/readyz")) {
        HttpResponse<String> main = h.send(h.get(path));
        HttpResponse<String> management = h.send(management(h, path));
        assertThat(management.statusCode()).isEqualTo(main.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(management.body())).isEqualTo(new JsonObject(main.body()));
      }
    }
  }

  @Test
  void theManagementPortServesNothingElse() throws Exception {
    try (GatewayHarness h = new GatewayHarness(TOOLS)) {
      h.start();
      HttpResponse<String> scrape = h.send(management(h, "/metrics"));
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
      for (String path : List.of("/", "/metrics/", "/users/x/profile", "/oauth/token", "/admin/users", "/decisions")) {
        HttpResponse<String> r = h.send(management(h, path));
        assertThat(r.statusCode()).as(path).isEqualTo(404);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(new JsonObject(r.body()).getString("code")).isEqualTo("route_not_found");
      }
      HttpResponse<String> post = h.send(management(h, "/metrics").POST(HttpRequest.BodyPublishers.ofString("x")));
      assertThat(post.statusCode()).isEqualTo(405);
      assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
      assertThat(new JsonObject(post.body()).getString("code")).isEqualTo("method_not_allowed");
      // Nothing was called, and the management port's own requests are not tool calls.
      assertThat(Scrape.of(h.send(management(h, "/metrics")).body()).series("toolgate_tool_calls_total")).isEmpty();
    }
  }

  @Test
  void withoutAManagementSectionThereIsNoManagementPort() throws Exception {
    try (GatewayHarness h = new GatewayHarness(TOOLS.substring(0, TOOLS.indexOf("management:")))) {
      h.start();
      assertThat(h.gateway.managementPort()).isEmpty();
      assertThat(h.send(h.get("/metrics")).statusCode()).isEqualTo(404);
      assertThat(h.send(h.get("/healthz")).statusCode()).isEqualTo(200);
    }
  }

  static void expect(GatewayHarness h, HttpRequest.Builder request, int status) throws Exception {
    HttpResponse<String> r = h.send(request);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
  }

  static HttpRequest.Builder management(GatewayHarness h, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.gateway.managementPort().orElseThrow() + path)).GET();
  }

  /** Scrapes until every call is counted: a call is counted as its answer completes, which the client may see a moment earlier. */
  static Scrape scrapeUntil(GatewayHarness h, int calls) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      HttpResponse<String> r = h.send(management(h, "/metrics"));
      assertThat(r.statusCode()).isEqualTo(200);
      Scrape scrape = Scrape.of(r.body());
      if (scrape.value("toolgate_tool_calls_total") >= calls || System.nanoTime() > deadline) {
        return scrape;
      }
      Thread.sleep(20);
    }
  }

  /** One scrape, parsed: each sample line as name, labels and value. */
  record Scrape(String text, List<Sample> samples) {
    record Sample(String name, Map<String, String> labels, double value) {}

    static Scrape of(String text) {
      List<Sample> samples = new ArrayList<>();
      for (String line : text.split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int space = line.lastIndexOf(' ');
        String series = line.substring(0, space);
        double value = Double.parseDouble(line.substring(space + 1));
        int brace = series.indexOf('{');
        Map<String, String> labels = new HashMap<>();
        if (brace >= 0) {
          // label values here never hold a quote or a comma (that is part of what is checked)
          for (String pair : series.substring(brace + 1, series.length() - 1).split(",")) {
            int eq = pair.indexOf('=');
            labels.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
          }
        }
        samples.add(new Sample(brace >= 0 ? series.substring(0, brace) : series, labels, value));
      }
      return new Scrape(text, samples);
    }

    List<String> names() {
      return samples.stream().map(Sample::name).distinct().toList();
    }

    List<Sample> series(String name, String... labels) {
      return samples.stream().filter(s -> s.name().equals(name)).filter(s -> {
        for (int i = 0; i < labels.length; i += 2) {
          if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
            return false;
          }
        }
        return true;
      }).toList();
    }

    /** The sum of the series of that name carrying these labels (0 when none does). */
    double value(String name, String... labels) {
      return series(name, labels).stream().mapToDouble(Sample::value).sum();
    }
  }
}
