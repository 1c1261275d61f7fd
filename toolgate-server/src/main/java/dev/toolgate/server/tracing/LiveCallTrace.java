package dev.toolgate.server.tracing;

import static dev.toolgate.server.tracing.SpanAttributes.CLIENT_ADDRESS;
import static dev.toolgate.server.tracing.SpanAttributes.CLIENT_ID;
import static dev.toolgate.server.tracing.SpanAttributes.CODE;
import static dev.toolgate.server.tracing.SpanAttributes.DECISION;
import static dev.toolgate.server.tracing.SpanAttributes.ERROR_TYPE;
import static dev.toolgate.server.tracing.SpanAttributes.HTTP_METHOD;
import static dev.toolgate.server.tracing.SpanAttributes.HTTP_ROUTE;
import static dev.toolgate.server.tracing.SpanAttributes.HTTP_STATUS;
import static dev.toolgate.server.tracing.SpanAttributes.SERVER_ADDRESS;
import static dev.toolgate.server.tracing.SpanAttributes.SERVER_PORT;
import static dev.toolgate.server.tracing.SpanAttributes.TOOL;
import static dev.toolgate.server.tracing.SpanAttributes.TOOL_ROUTE;
import static dev.toolgate.server.tracing.SpanAttributes.URL_SCHEME;

import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.route.Route;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.vertx.core.MultiMap;

/** A call's spans while tracing is on: the server span, its upstream client span, its waits. */
final class LiveCallTrace implements CallTrace {
  private final Tracer tracer;
  private final Span server;
  /** The server span as a parent, for the children and the context sent upstream. */
  private final Context context;
  private final String method;
  /** The decision API: its route is {@code /decisions}, whatever tool it judges. */
  private final String fixedRoute;
  private Span upstream;
  private boolean ended;

  LiveCallTrace(Tracer tracer, Span server, String method, String fixedRoute) {
    this.tracer = tracer;
    this.server = server;
    this.context = Context.root().with(server);
    this.method = method;
    this.fixedRoute = fixedRoute;
  }

  @Override
  public Step step(String name) {
    Span span = tracer.spanBuilder(name).setSpanKind(SpanKind.INTERNAL).setParent(context).startSpan();
    return problem -> {
      if (problem != null) {
        span.setAttribute(ERROR_TYPE, problem);
        span.setStatus(StatusCode.ERROR);
      }
      span.end();
    };
  }

  @Override
  public void upstream(String upstreamMethod, String host, int port, boolean tls) {
    upstream = tracer.spanBuilder(SpanAttributes.method(upstreamMethod)).setSpanKind(SpanKind.CLIENT).setParent(context)
        .setAttribute(HTTP_METHOD, SpanAttributes.method(upstreamMethod))
        .setAttribute(SERVER_ADDRESS, host)
        .setAttribute(SERVER_PORT, (long) port)
        .setAttribute(URL_SCHEME, tls ? "https" : "http")
        .startSpan();
  }

  @Override
  public void propagate(MultiMap headers) {
    // The caller's context never goes on as it came: a trusted caller's is the parent of these spans,
    // anyone else's was ignored. The upstream's parent is this client span.
    headers.remove(Tracing.TRACEPARENT);
    headers.remove(Tracing.TRACESTATE);
    Tracing.PROPAGATOR.inject(context.with(upstream), headers, Tracing.SETTER);
  }

  @Override
  public void end(Route route, Decision decision, String code, int status, String clientIp) {
    if (ended) {
      return;
    }
    ended = true;
    if (upstream != null) {
      if ("ok".equals(code)) {
        upstream.setAttribute(HTTP_STATUS, (long) status);
        if (status >= 400) {
          upstream.setAttribute(ERROR_TYPE, Integer.toString(status));
          upstream.setStatus(StatusCode.ERROR);
        }
      } else {
        upstream.setAttribute(ERROR_TYPE, code);
        upstream.setStatus(StatusCode.ERROR);
      }
      upstream.end();
    }
    if (route != null) {
      String template = route.tool().path();
      server.setAttribute(TOOL, route.name());
      server.setAttribute(TOOL_ROUTE, template);
      if (fixedRoute == null) {
        server.setAttribute(HTTP_ROUTE, template);
        server.updateName(method + " " + template);
      }
    }
    server.setAttribute(DECISION, decision.allowed() ? "allow" : "deny");
    server.setAttribute(CODE, code);
    server.setAttribute(HTTP_STATUS, (long) status);
    if (decision.clientId() != null) {
      server.setAttribute(CLIENT_ID, decision.clientId());
    }
    if (clientIp != null) {
      server.setAttribute(CLIENT_ADDRESS, clientIp);
    }
    if (status >= 500) {
      server.setAttribute(ERROR_TYPE, code);
      server.setStatus(StatusCode.ERROR);
    }
    server.end();
  }
}
