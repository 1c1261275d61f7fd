package dev.toolgate.server.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * Server spans for Toolgate's token and introspection endpoints: route, status, and the caller's trace
 * context under the same trust rule as tool calls. Mounted only when tracing is on.
 */
public final class EndpointTracing {
  /** Fixed paths: their route is the path itself, never one with an id in it. */
  static final List<String> ROUTES = List.of("/oauth/token", "/oauth/access_token", "/oauth/introspect");

  private EndpointTracing() {}

  /**
   * Mounts a handler that opens each call's span and ends it with the response; mount it before the
   * endpoints. (vertx-web ends it from the response's end handler: an endpoint that replaces that
   * handler to close the connection, as for a body too large, leaves its span unreported.)
   */
  public static void mount(Router router, Tracing tracing) {
    if (!tracing.enabled()) {
      return;
    }
    for (String route : ROUTES) {
      router.route(route).handler(ctx -> {
        Span span = tracing.startEndpoint(ctx.request(), route);
        ctx.addEndHandler(ended -> {
          int status = ctx.response().getStatusCode();
          span.setAttribute(SpanAttributes.HTTP_STATUS, (long) status);
          if (status >= 500 || ended.failed()) {
            span.setAttribute(SpanAttributes.ERROR_TYPE, ended.failed() ? ended.cause().getClass().getName() : Integer.toString(status));
            span.setStatus(StatusCode.ERROR);
          }
          span.end();
        });
        ctx.next();
      });
    }
  }
}
