package dev.toolgate.server.http;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Connections Toolgate answers with {@code Connection: close}. RFC 9112 §9.6: a server that sends
 * "close" must not process any further request on that connection. Vert.x, though, hands over a
 * request pipelined behind the closing answer as soon as that answer is written, before the
 * connection is closed, so every request is checked on arrival and one on a closing connection is
 * dropped unanswered: it would otherwise be judged and forwarded, and its answer lost.
 */
final class ClosingConnections {
  /** Weak keys: a connection leaves the set once nothing refers to it any more. */
  private static final Set<HttpConnection> CLOSING = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  private ClosingConnections() {}

  /** Marks the answer {@code Connection: close}, and closes the connection once it is written. */
  static void closeAfter(HttpServerResponse response, HttpConnection connection) {
    CLOSING.add(connection);
    response.putHeader("connection", "close").endHandler(v -> connection.close());
  }

  static boolean isClosing(HttpConnection connection) {
    return CLOSING.contains(connection);
  }
}
