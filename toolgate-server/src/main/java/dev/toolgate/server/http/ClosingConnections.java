package dev.toolgate.server.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/**
 * Connections Toolgate answers with {@code Connection: close}. RFC 9112 §9.6: a server that sends
 * "close" must not process any further request on that connection. Vert.x, though, hands over a
 * request pipelined behind the closing answer as soon as that answer is written, before the
 * connection is closed, so every request is checked on arrival and one on a closing connection is
 * dropped unanswered: it would otherwise be judged and forwarded, and its answer lost.
 *
 * <p>HTTP/2 multiplexes calls on one connection, and has no {@code Connection} header (RFC 9113
 * §8.2.2): there only the call's own stream ends, reset once its answer is complete (RFC 9113 §8.1:
 * the client stops sending a body nobody reads), and the caller's other calls go on.
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
    if (connection.protocolVersion() == HttpVersion.HTTP_2) {
      response.endHandler(v -> response.reset(0));
      return;
    }
    CLOSING.put(connection, Boolean.TRUE);
    response.putHeader("connection", "close").endHandler(v -> connection.close());
  }

  /**
   * Ends an exchange that cannot complete (a body cut short, a stalled upstream): over HTTP/1.1 the
   * connection is closed (nothing after it could be framed), over HTTP/2 only the call's stream is reset.
   */
  static void cut(HttpServerRequest req) {
    if (req.version() == HttpVersion.HTTP_2) {
      req.response().reset(0x8); // CANCEL
    } else {
      req.connection().close();
    }
  }

  static boolean isClosing(HttpConnection connection) {
    return CLOSING.getIfPresent(connection) != null;
  }
}
