package dev.toolgate.server.http;

import io.vertx.ext.web.Router;

/**
 * A group of Toolgate's own HTTP endpoints (token endpoint, metadata, admin API...). Each feature
 * mounts its routes on the system router; tool calls never go through it. Handlers must not block
 * the event loop: database and password work goes to {@code ctx.vertx().executeBlocking(..., false)}.
 */
public interface Endpoint {
  void mount(Router router);
}
