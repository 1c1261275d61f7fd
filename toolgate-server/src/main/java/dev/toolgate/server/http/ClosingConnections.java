package dev.toolgate.server.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;

/**
 * Connections Toolgate answers with {@code Connection: close}. RFC 9112 §9.6: a server that sends
 * "close" must not process any further request on that connection. Vert.x, though, hands over a
 * request pipelined behind the closing answer as soon as that answer is written, before the
 * connection is closed, so every request is checked on arrival and one on a closing connection is
 * dropped unanswered: it would otherwise be judged and forwarded, and its answer lost.
 */
final class ClosingConnections {
  /**
   * Weak keys (compared by identity): a connection leaves once nothing refers to it any more. Read
   * on every request from every event loop, so a concurrent map rather than a synchronized one.
   */
  private static final Cache<HttpConnection, Boolean> CLOSING = Caffeine.newBuilder().weakKeys().build();

  private ClosingConnections() {}

  /** Marks the answer {@code Connection: close}, and closes the connection once it is written. */
  static void closeAfter(HttpServerResponse response, HttpConnection connection) {
    CLOSING.put(connection, Boolean.TRUE);
    response.putHeader("connection", "close").endHandler(v -> connection.close());
  }

  static boolean isClosing(HttpConnection connection) {
    return CLOSING.getIfPresent(connection) != null;
  }
}
