package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.tracing.OtlpReceiver;
import dev.toolgate.server.tracing.OtlpReceiver.Received;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tracing switched on by the {@code tracing:} section: the real SDK and OTLP exporter send the spans
 * over HTTP to a receiver on loopback, which decodes them as a Collector would.
 */
class TracingExportTest {
  static final String TOOLS = """
        - name: hello
          method: GET
          path: /hello/{name}
          upstream: UPSTREAM
          policy: { anonymous: true }
      """;
  static final String CALLER_TRACE = TracingIntegrationTest.CALLER_TRACE;

  @Test
  void spansGoToTheOtlpEndpointOfTheFileAndAreSentWhenToolgateStops() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      GatewayHarness h = new GatewayHarness(TOOLS + """
          tracing:
            enabled: true
            endpoint: %s
            service_name: toolgate-test
            trusted_callers: [127.0.0.1/32]
          """.formatted(receiver.url()));
      String upstreamSaw;
      String requestId;
      try {
        h.start();
        HttpResponse<String> r = h.send(h.get("/hello/ada").header("traceparent", TracingIntegrationTest.SAMPLED));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        upstreamSaw = h.upstream.lastHeaders.get("traceparent");
        requestId = r.headers().firstValue("x-request-id").orElseThrow();
      } finally {
        h.close(); // flushes the batch before the SDK's own schedule would
      }
      List<Received> spans = receiver.awaitSpans(2, Duration.ofSeconds(10));
      assertThat(spans).hasSize(2);
      assertThat(receiver.contentTypes).allMatch("application/x-protobuf"::equals);
      Received server = spans.stream().filter(s -> s.span().getKind() == Span.SpanKind.SPAN_KIND_SERVER).findFirst().orElseThrow();
      Received client = spans.stream().filter(s -> s.span().getKind() == Span.SpanKind.SPAN_KIND_CLIENT).findFirst().orElseThrow();
      assertThat(server.resourceAttribute("service.name")).isEqualTo("toolgate-test");
      assertThat(server.name()).isEqualTo("GET /hello/{name}");
      assertThat(server.traceId()).isEqualTo(CALLER_TRACE);
      assertThat(server.parentSpanId()).isEqualTo(TracingIntegrationTest.CALLER_SPAN);
      assertThat(server.attribute("toolgate.tool")).isEqualTo("hello");
      assertThat(server.attribute("toolgate.request_id")).isEqualTo(requestId);
      assertThat(server.attribute("http.response.status_code")).isEqualTo("200");
      assertThat(client.parentSpanId()).isEqualTo(server.spanId());
      assertThat(upstreamSaw).isEqualTo("00-" + CALLER_TRACE + "-" + client.spanId() + "-01");
    }
  }
}
