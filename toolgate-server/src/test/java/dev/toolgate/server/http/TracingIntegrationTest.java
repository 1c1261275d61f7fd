package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.net.CidrSet;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.tracing.Tracing;
import dev.toolgate.server.users.PasswordHasher;
import dev.toolgate.server.users.UserStore;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tracing through a real gateway and a real upstream, spans taken by the SDK's in-memory exporter:
 * names, attributes, parents, the trust of an incoming {@code traceparent}, and what the upstream receives.
 */
class TracingIntegrationTest {
  static final String TOOLS = """
        - name: order_status
          platform: asapp
          method: GET
          path: /tools/orders/{order_id}
          upstream: UPSTREAM
          policy: { require: [api_key] }
        - name: lookup
          platform: asapp
          method: GET
          path: /lookup
          upstream: UPSTREAM
          policy: { require: [api_key] }
          user:
            platform_user_id: { query_param: uid }
        - name: dead_end
          method: GET
          path: /dead
          upstream: http://127.0.0.1:9
          policy: { anonymous: true }
      authorization_server:
        password_hash: { memory_kib: 8192, iterations: 1, parallelism: 1 }
      """;
  /** The W3C example: a caller's trace and span. */
  static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String CALLER_SPAN = "00f067aa0ba902b7";
  static final String SAMPLED = "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01";

  GatewayHarness h;
  SdkTracerProvider provider;
  final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  String apiKey;
  String clientId;

  /** A gateway whose tracing continues the context of callers in {@code trustedCallers}. */
  private void start(String trustedCallers, Sampler sampler) throws Exception {
    h = new GatewayHarness(TOOLS);
    ClientRecord client = h.admin.createClient("agent", "asapp");
    clientId = client.id();
    apiKey = h.admin.createApiKey(client.id(), Set.of("*"), null).plaintext();
    UserStore users = new UserStore(h.adminDb);
    users.createUser("ada", new PasswordHasher(new PasswordHasher.Parameters(8192, 1, 1)).hash("ada password 1"));
    users.mapPlatformUser("asapp", "as-ada", "ada");
    provider = SdkTracerProvider.builder().setSampler(sampler).addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    h.start(Tracing.using(OpenTelemetrySdk.builder().setTracerProvider(provider).build(), CidrSet.parse(List.of(trustedCallers))));
  }

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
    if (provider != null) {
      provider.close();
    }
  }

  private HttpResponse<String> call(String path, String... headers) throws Exception {
    HttpRequest.Builder request = h.get(path).header("x-api-key", apiKey);
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return h.send(request);
  }

  /** The spans exported so far, once at least {@code count} have been (the last ones end as the response is sent). */
  private List<SpanData> spans(int count) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (exporter.getFinishedSpanItems().size() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return exporter.getFinishedSpanItems();
  }

  private static SpanData one(List<SpanData> spans, Predicate<SpanData> which) {
    List<SpanData> found = spans.stream().filter(which).toList();
    assertThat(found).as("%s", spans).hasSize(1);
    return found.get(0);
  }

  private static SpanData kind(List<SpanData> spans, SpanKind kind) {
    return one(spans, s -> s.getKind() == kind);
  }

  /** The sampled bit of a traceparent's flags (the SDK may also set bit 1, "random trace id", on new traces). */
  private static boolean sampled(String traceparent) {
    return (Integer.parseInt(traceparent.substring(traceparent.length() - 2), 16) & 1) == 1;
  }

  private static String attr(SpanData span, String key) {
    Object value = span.getAttributes().asMap().get(span.getAttributes().asMap().keySet().stream()
        .filter(k -> k.getKey().equals(key)).findFirst().orElse(AttributeKey.stringKey(key)));
    return value == null ? null : value.toString();
  }

  @Test
  void aTrustedCallersTraceIsContinuedAndTheUpstreamSeesToolgatesClientSpan() throws Exception {
    start("127.0.0.1/32", Sampler.parentBased(Sampler.alwaysOn()));
    HttpResponse<String> r = call("/tools/orders/42?verbose=1", "traceparent", SAMPLED, "tracestate", "vendor=opaque");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<SpanData> spans = spans(2);
    assertThat(spans).hasSize(2);

    SpanData server = kind(spans, SpanKind.SERVER);
    assertThat(server.getName()).isEqualTo("GET /tools/orders/{order_id}");
    assertThat(server.getTraceId()).isEqualTo(CALLER_TRACE);
    assertThat(server.getParentSpanId()).isEqualTo(CALLER_SPAN);
    assertThat(server.getParentSpanContext().isRemote()).isTrue();
    assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(attr(server, "http.request.method")).isEqualTo("GET");
    assertThat(attr(server, "http.route")).isEqualTo("/tools/orders/{order_id}");
    assertThat(attr(server, "http.response.status_code")).isEqualTo("200");
    assertThat(attr(server, "url.scheme")).isEqualTo("http");
    assertThat(attr(server, "client.address")).isEqualTo("127.0.0.1");
    assertThat(attr(server, "toolgate.tool")).isEqualTo("order_status");
    assertThat(attr(server, "toolgate.tool.route")).isEqualTo("/tools/orders/{order_id}");
    assertThat(attr(server, "toolgate.decision")).isEqualTo("allow");
    assertThat(attr(server, "toolgate.code")).isEqualTo("ok");
    assertThat(attr(server, "toolgate.client_id")).isEqualTo(clientId);
    assertThat(attr(server, "toolgate.request_id")).isEqualTo(r.headers().firstValue("x-request-id").orElseThrow())
        .isEqualTo(h.upstream.lastHeaders.get("x-request-id"));

    SpanData client = kind(spans, SpanKind.CLIENT);
    assertThat(client.getName()).isEqualTo("GET");
    assertThat(client.getTraceId()).isEqualTo(CALLER_TRACE);
    assertThat(client.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(attr(client, "server.address")).isEqualTo("127.0.0.1");
    assertThat(attr(client, "server.port")).isEqualTo(Integer.toString(h.upstream.port()));
    assertThat(attr(client, "http.response.status_code")).isEqualTo("200");
    assertThat(client.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

    // The upstream's parent is Toolgate's client span, in the caller's trace, with the caller's tracestate.
    assertThat(h.upstream.lastHeaders.getAll("traceparent")).containsExactly("00-" + CALLER_TRACE + "-" + client.getSpanId() + "-01");
    assertThat(h.upstream.lastHeaders.getAll("tracestate")).containsExactly("vendor=opaque");

    // Neither the raw path with its id nor the API key is in any attribute.
    for (SpanData span : spans) {
      assertThat(span.getAttributes().asMap().values()).allSatisfy(v -> assertThat(v.toString())
          .doesNotContain("/tools/orders/42").doesNotContain("verbose").doesNotContain(apiKey));
    }
  }

  @Test
  void anUntrustedCallersContextIsIgnoredAndNeverForwarded() throws Exception {
    start("10.0.0.0/8", Sampler.parentBased(Sampler.alwaysOn()));
    HttpResponse<String> r = call("/tools/orders/42", "traceparent", SAMPLED, "tracestate", "vendor=opaque");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<SpanData> spans = spans(2);
    SpanData server = kind(spans, SpanKind.SERVER);
    SpanData client = kind(spans, SpanKind.CLIENT);
    // A new trace: the caller chose neither the trace id nor the parent.
    assertThat(server.getTraceId()).isNotEqualTo(CALLER_TRACE);
    assertThat(server.getParentSpanContext().isValid()).isFalse();
    assertThat(client.getParentSpanId()).isEqualTo(server.getSpanId());
    String sent = h.upstream.lastHeaders.get("traceparent");
    assertThat(h.upstream.lastHeaders.getAll("traceparent")).hasSize(1);
    assertThat(sent).startsWith("00-" + server.getTraceId() + "-" + client.getSpanId() + "-");
    assertThat(sampled(sent)).isTrue();
    assertThat(h.upstream.lastHeaders.get("tracestate")).isNull();
  }

  @Test
  void anUntrustedCallerCannotMakeToolgateRecordACall() throws Exception {
    // Nothing is sampled unless a trusted caller asks: this caller's sampled flag must not count.
    start("10.0.0.0/8", Sampler.parentBased(Sampler.traceIdRatioBased(0)));
    HttpResponse<String> r = call("/tools/orders/42", "traceparent", SAMPLED);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String sent = h.upstream.lastHeaders.get("traceparent");
    assertThat(sent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}").doesNotContain(CALLER_TRACE);
    assertThat(sampled(sent)).isFalse();
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void aTrustedCallersSamplingDecisionIsFollowed() throws Exception {
    start("127.0.0.1/32", Sampler.parentBased(Sampler.traceIdRatioBased(0)));
    assertThat(call("/tools/orders/1", "traceparent", SAMPLED).statusCode()).isEqualTo(200);
    assertThat(spans(2)).hasSize(2).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(CALLER_TRACE));
    exporter.reset();
    assertThat(call("/tools/orders/2", "traceparent", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-00").statusCode()).isEqualTo(200);
    assertThat(h.upstream.lastHeaders.get("traceparent")).startsWith("00-" + CALLER_TRACE + "-");
    assertThat(sampled(h.upstream.lastHeaders.get("traceparent"))).isFalse();
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void aRefusedCallHasItsCodeAndNoUpstreamSpan() throws Exception {
    start("127.0.0.1/32", Sampler.parentBased(Sampler.alwaysOn()));
    HttpResponse<String> r = h.send(h.get("/tools/orders/42").header("x-api-key", "not-a-key"));
    assertThat(r.statusCode()).isEqualTo(401);
    SpanData server = one(spans(1), s -> true);
    assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(attr(server, "toolgate.decision")).isEqualTo("deny");
    assertThat(attr(server, "toolgate.code")).isEqualTo("api_key_invalid");
    assertThat(attr(server, "http.response.status_code")).isEqualTo("401");
    assertThat(attr(server, "toolgate.client_id")).isNull();
    assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET); // a 4xx is the caller's error, not Toolgate's
    assertThat(h.upstream.hits.get()).isZero();

    // An invented method does not make an invented span name; an unknown path is no route.
    exporter.reset();
    assertThat(h.send(h.get("/nothing/here/7").method("BREW", HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(404);
    SpanData other = one(spans(1), s -> true);
    assertThat(other.getName()).isEqualTo("_OTHER");
    assertThat(attr(other, "http.request.method")).isEqualTo("_OTHER");
    assertThat(attr(other, "http.route")).isNull();
    assertThat(attr(other, "toolgate.code")).isEqualTo("route_not_found");
  }

  @Test
  void anUnreachableUpstreamMarksBothSpansAsErrors() throws Exception {
    start("127.0.0.1/32", Sampler.parentBased(Sampler.alwaysOn()));
    assertThat(h.send(h.get("/dead")).statusCode()).isEqualTo(502);
    List<SpanData> spans = spans(2);
    SpanData server = kind(spans, SpanKind.SERVER);
    SpanData client = kind(spans, SpanKind.CLIENT);
    assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attr(server, "error.type")).isEqualTo("upstream_unreachable");
    assertThat(attr(server, "toolgate.decision")).isEqualTo("allow");
    assertThat(client.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attr(client, "error.type")).isEqualTo("upstream_unreachable");
    assertThat(attr(client, "server.port")).isEqualTo("9");
    assertThat(attr(client, "http.response.status_code")).isNull();
  }

  @Test
  void usersReadFromTheStoreAreAChildSpanOnlyWhenNotCached() throws Exception {
    start("127.0.0.1/32", Sampler.parentBased(Sampler.alwaysOn()));
    assertThat(call("/lookup?uid=as-ada").statusCode()).isEqualTo(200);
    List<SpanData> spans = spans(3);
    SpanData server = kind(spans, SpanKind.SERVER);
    SpanData users = kind(spans, SpanKind.INTERNAL);
    assertThat(users.getName()).isEqualTo("load users");
    assertThat(users.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(users.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(users.getEndEpochNanos()).isLessThanOrEqualTo(kind(spans, SpanKind.CLIENT).getStartEpochNanos());
    exporter.reset();
    assertThat(call("/lookup?uid=as-ada").statusCode()).isEqualTo(200);
    assertThat(spans(2)).extracting(SpanData::getKind).containsExactlyInAnyOrder(SpanKind.SERVER, SpanKind.CLIENT);
  }

  @Test
  void theDecisionApiSpanNamesItsOwnRouteAndTheJudgedTool() throws Exception {
    start("127.0.0.1/32", Sampler.parentBased(Sampler.alwaysOn()));
    HttpResponse<String> r = call("/decisions", "x-original-uri", "/tools/orders/7", "x-original-method", "GET", "traceparent", SAMPLED);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    SpanData server = one(spans(1), s -> true);
    assertThat(server.getName()).isEqualTo("GET /decisions");
    assertThat(server.getTraceId()).isEqualTo(CALLER_TRACE);
    assertThat(attr(server, "http.route")).isEqualTo("/decisions");
    assertThat(attr(server, "toolgate.tool")).isEqualTo("order_status");
    assertThat(attr(server, "toolgate.tool.route")).isEqualTo("/tools/orders/{order_id}");
    assertThat(attr(server, "toolgate.decision")).isEqualTo("allow");
    assertThat(h.upstream.hits.get()).isZero();
  }

  @Test
  void theTokenEndpointIsTraced() throws Exception {
    start("127.0.0.1/32", Sampler.parentBased(Sampler.alwaysOn()));
    HttpResponse<String> r = h.send(h.post("/oauth/token", "grant_type=client_credentials&client_id=nobody&client_secret=wrong")
        .setHeader("content-type", "application/x-www-form-urlencoded").header("traceparent", SAMPLED));
    assertThat(r.statusCode()).isEqualTo(401);
    SpanData span = one(spans(1), s -> true);
    assertThat(span.getName()).isEqualTo("POST /oauth/token");
    assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(span.getTraceId()).isEqualTo(CALLER_TRACE);
    assertThat(attr(span, "http.route")).isEqualTo("/oauth/token");
    assertThat(attr(span, "http.response.status_code")).isEqualTo("401");
    assertThat(span.getAttributes().asMap().values()).noneSatisfy(v -> assertThat(v.toString()).contains("wrong"));
  }
}
