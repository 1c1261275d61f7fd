package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Without a {@code tracing:} section or {@code OTEL_TRACES_EXPORTER}, Toolgate traces nothing and is
 * transparent to trace context: a caller's {@code traceparent} and {@code tracestate} reach the
 * upstream as sent, and a call without them gets none.
 */
class TracingOffTest {
  @Test
  void offByDefaultTheCallersTraceContextPassesUntouched() throws Exception {
    assumeTrue(System.getenv("OTEL_TRACES_EXPORTER") == null, "the environment switches tracing on");
    try (GatewayHarness h = new GatewayHarness(TracingExportTest.TOOLS).start()) {
      HttpResponse<String> r = h.send(h.get("/hello/ada").header("traceparent", TracingIntegrationTest.SAMPLED)
          .header("tracestate", "vendor=opaque"));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(h.upstream.lastHeaders.getAll("traceparent")).containsExactly(TracingIntegrationTest.SAMPLED);
      assertThat(h.upstream.lastHeaders.getAll("tracestate")).containsExactly("vendor=opaque");

      assertThat(h.send(h.get("/hello/bob")).statusCode()).isEqualTo(200);
      assertThat(h.upstream.lastHeaders.get("traceparent")).isNull();
      assertThat(h.upstream.lastHeaders.get("tracestate")).isNull();
    }
  }
}
