package dev.toolgate.server.http;

import dev.toolgate.core.request.Headers;
import io.vertx.core.MultiMap;
import java.util.List;

/** Vert.x headers seen through the core's {@link Headers} (Vert.x already matches names case-insensitively). */
record VertxHeaders(MultiMap headers) implements Headers {
  @Override
  public List<String> all(String name) {
    return headers.getAll(name);
  }
}
