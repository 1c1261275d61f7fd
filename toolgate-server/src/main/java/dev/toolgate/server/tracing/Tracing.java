package dev.toolgate.server.tracing;

import dev.toolgate.core.config.TracingSettings;
import dev.toolgate.core.net.CidrSet;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * OpenTelemetry tracing of calls (docs/tracing.md), or {@link #OFF}: then no SDK exists and each call
 * costs one field check. A caller's W3C {@code traceparent}/{@code tracestate} are continued only when
 * the connection comes from {@code tracing.trusted_callers}; from anyone else they are ignored and a
 * new trace starts, so nobody can choose Toolgate's trace ids or make it record (sample) a call.
 */
public final class Tracing implements AutoCloseable {
  public static final Tracing OFF = new Tracing(null, new CidrSet(List.of()), null, "off");
  static final String TRACEPARENT = "traceparent";
  static final String TRACESTATE = "tracestate";
  /** W3C trace context only, whatever OTEL_PROPAGATORS says: baggage and other formats are not read. */
  static final W3CTraceContextPropagator PROPAGATOR = W3CTraceContextPropagator.getInstance();
  static final TextMapSetter<MultiMap> SETTER = (headers, name, value) -> {
    if (headers != null) {
      headers.set(name, value);
    }
  };
  private static final TextMapGetter<HttpServerRequest> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(HttpServerRequest req) {
      return req.headers().names();
    }

    @Override
    public String get(HttpServerRequest req, String name) {
      return req == null ? null : req.getHeader(name);
    }
  };
  private static final String SCOPE = "dev.toolgate";
  private static final long SHUTDOWN_SECONDS = 5;

  private final Tracer tracer;
  private final CidrSet trustedCallers;
  /** The SDK built from the configuration, shut down (and flushed) by {@link #close()}; null when given or off. */
  private final OpenTelemetrySdk owned;
  private final String description;

  private Tracing(Tracer tracer, CidrSet trustedCallers, OpenTelemetrySdk owned, String description) {
    this.tracer = tracer;
    this.trustedCallers = trustedCallers;
    this.owned = owned;
    this.description = description;
  }

  /** Tracing with an SDK the caller built and closes (an application embedding Toolgate; tests). */
  public static Tracing using(OpenTelemetry openTelemetry, CidrSet trustedCallers) {
    return new Tracing(openTelemetry.getTracer(SCOPE, version()), trustedCallers, null, "on, with the OpenTelemetry SDK given");
  }

  /**
   * Tracing as the {@code tracing:} section and the {@code OTEL_*} variables of {@code env} say: {@link
   * #OFF} unless switched on (see {@link TracingSdk#switchedOn}), else an SDK exporting over OTLP/HTTP.
   *
   * @throws IllegalStateException when the SDK cannot be built from them (an unknown exporter, gRPC, ...)
   */
  public static Tracing configure(TracingSettings settings, java.util.Map<String, String> env) {
    if (!TracingSdk.switchedOn(settings, env)) {
      return OFF;
    }
    OpenTelemetrySdk sdk = TracingSdk.build(settings, env);
    return new Tracing(sdk.getTracer(SCOPE, version()), settings.trustedCallers(), sdk, TracingSdk.describe(settings, env));
  }

  public boolean enabled() {
    return tracer != null;
  }

  /** For the start-up log line: "off", or where spans go. */
  public String describe() {
    return description;
  }

  /**
   * The trace of a call that has just arrived: its server span, a child of the caller's context when
   * the caller is trusted, else the root of a new trace.
   *
   * @param decisionApi the request asks the decision API ({@code /decisions}) rather than calls a tool
   */
  public CallTrace startCall(HttpServerRequest req, String requestId, boolean decisionApi) {
    if (tracer == null) {
      return CallTrace.OFF;
    }
    String method = SpanAttributes.method(req.method().name());
    String fixedRoute = decisionApi ? "/decisions" : null;
    var builder = tracer.spanBuilder(fixedRoute == null ? method : method + " " + fixedRoute)
        .setSpanKind(SpanKind.SERVER)
        .setParent(parentOf(req))
        .setAttribute(SpanAttributes.HTTP_METHOD, method)
        .setAttribute(SpanAttributes.URL_SCHEME, req.isSSL() ? "https" : "http")
        .setAttribute(SpanAttributes.REQUEST_ID, requestId);
    if (fixedRoute != null) {
      builder.setAttribute(SpanAttributes.HTTP_ROUTE, fixedRoute);
    }
    return new LiveCallTrace(tracer, builder.startSpan(), method, fixedRoute);
  }

  /** A server span for one of Toolgate's own endpoints (fixed paths); ended with its status. */
  Span startEndpoint(HttpServerRequest req, String route) {
    String method = SpanAttributes.method(req.method().name());
    return tracer.spanBuilder(method + " " + route).setSpanKind(SpanKind.SERVER).setParent(parentOf(req))
        .setAttribute(SpanAttributes.HTTP_METHOD, method)
        .setAttribute(SpanAttributes.HTTP_ROUTE, route)
        .setAttribute(SpanAttributes.URL_SCHEME, req.isSSL() ? "https" : "http")
        .startSpan();
  }

  /** The caller's trace context when the connection comes from a trusted caller, else none (a new trace). */
  private Context parentOf(HttpServerRequest req) {
    if (trustedCallers.isEmpty() || !req.headers().contains(TRACEPARENT) || req.remoteAddress() == null
        || !trustedCallers.contains(req.remoteAddress().hostAddress())) {
      return Context.root();
    }
    return PROPAGATOR.extract(Context.root(), req, GETTER);
  }

  /** Exports what is still queued (waiting at most a few seconds) and stops the SDK built here. */
  @Override
  public void close() {
    if (owned != null) {
      owned.shutdown().join(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
    }
  }

  private static String version() {
    String version = Tracing.class.getPackage().getImplementationVersion();
    return version != null ? version : "dev";
  }
}
