package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an operator finds on standard error: start-up with the management URL, each upstream failure with its cause, shutdown. */
class ServerLogLinesTest {
  static final String TOOLS = """
        - name: dead
          method: GET
          path: /dead
          upstream: http://127.0.0.1:1
          policy: { anonymous: true }
        - name: slow
          method: GET
          path: /slow
          upstream: UPSTREAM
          policy: { anonymous: true }
      management: {port: 0}
      access_log: {format: json, path: access.log}
      """;

  @Test
  void upstreamFailuresStartAndStopAreLoggedWithTheirCauseAndNoQueryString() throws Exception {
    try (ServerLog log = ServerLog.capture()) {
      String dead;
      String slow;
      int management;
      try (GatewayHarness h = new GatewayHarness(TOOLS, "500ms")) {
        h.start();
        management = h.gateway.managementPort().orElseThrow();
        HttpResponse<String> r = h.send(h.get("/dead?password=query-secret-1"));
        assertThat(r.statusCode()).isEqualTo(502);
        dead = r.headers().firstValue("x-request-id").orElseThrow();
        r = h.send(h.get("/slow?password=query-secret-2"));
        assertThat(r.statusCode()).isEqualTo(504);
        slow = r.headers().firstValue("x-request-id").orElseThrow();
      }
      List<String> lines = log.lines();
      assertThat(lines).anySatisfy(l -> assertThat(l).contains("INFO Toolgate - management interface on http://127.0.0.1:" + management
          + " (/metrics, /healthz, /readyz); access log json to "));
      assertThat(lines).anySatisfy(l -> assertThat(l).contains("WARN ToolCallHandler - 502 upstream_unreachable (request " + dead
          + ", tool dead, upstream 127.0.0.1:1): ").contains("Connection refused"));
      assertThat(lines).anySatisfy(l -> assertThat(l).contains("WARN ToolCallHandler - 504 upstream_timeout (request " + slow + ", tool slow, upstream 127.0.0.1:"));
      assertThat(lines).anySatisfy(l -> assertThat(l).contains("INFO Toolgate - Toolgate stopping"));
      assertThat(lines).anySatisfy(l -> assertThat(l).contains("INFO Toolgate - Toolgate stopped: 2 audit record(s) written since start, 0 lost;"
          + " 2 access log line(s) written, 0 dropped"));
      assertThat(String.join("\n", lines)).doesNotContain("query-secret");
    }
  }

  @Test
  void aCauseIsDescribedWithoutTheQueryItQuotes() {
    assertThat(UpstreamFailureLog.describe(new java.util.concurrent.TimeoutException(
        "The timeout period of 500ms has been exceeded while executing GET /slow?password=s3cret&x=1 for server 127.0.0.1:9")))
        .isEqualTo("TimeoutException: The timeout period of 500ms has been exceeded while executing GET /slow?... for server 127.0.0.1:9");
    assertThat(UpstreamFailureLog.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
  }
}
