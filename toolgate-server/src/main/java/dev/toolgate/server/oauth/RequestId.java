package dev.toolgate.server.oauth;

import io.vertx.ext.web.RoutingContext;
import dev.toolgate.server.http.RequestIds;

/** A request id for system endpoints, set once per request and echoed in {@code x-request-id}. */
public final class RequestId {
  private static final String KEY = "toolgate.request_id";

  private RequestId() {}

  public static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    if (id == null) {
      id = RequestIds.next();
      ctx.put(KEY, id);
      ctx.response().putHeader("x-request-id", id);
    }
    return id;
  }
}
