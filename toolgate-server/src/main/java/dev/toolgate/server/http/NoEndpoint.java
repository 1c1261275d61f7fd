package dev.toolgate.server.http;

import dev.toolgate.core.decision.DenialCode;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The answer for a path under Toolgate's own prefixes that nothing serves: 404 {@code
 * route_not_found}. An endpoint that is switched off (the web console without an admin token) answers
 * with it too, so that it looks exactly like a path nothing was ever mounted on.
 */
public final class NoEndpoint {
  private NoEndpoint() {}

  public static void answer(RoutingContext ctx) {
    answer(ctx.request());
  }

  static void answer(HttpServerRequest req) {
    Problem.send(req.response(), DenialCode.ROUTE_NOT_FOUND, "no endpoint " + req.method().name() + " " + req.path(), RequestIds.next(), null,
        List.of());
  }
}
