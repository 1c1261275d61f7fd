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

  /** A body still arriving after the answer is read and dropped for at most this long, and this much, before the close. */
  static final long LINGER_MILLIS = 2000;
  static final long LINGER_BYTES = 1024 * 1024;

  /** Marks the answer to {@code req} {@code Connection: close}, and closes the connection once it is written. */
  static void closeAfter(HttpServerRequest req) {
    HttpServerResponse response = req.response();
    HttpConnection connection = req.connection();
    if (connection.protocolVersion() == HttpVersion.HTTP_2) {
      response.endHandler(v -> response.reset(0));
      return;
    }
    CLOSING.put(connection, Boolean.TRUE);
    response.putHeader("connection", "close").endHandler(v -> linger(req, connection));
  }

  /**
   * As {@link #closeAfter(HttpServerRequest)}, closing at once when the answer is written: for a
   * request whose framing is in doubt, whose further bytes are not to be read at all.
   */
  static void closeAfterAnswer(HttpServerRequest req) {
    if (req.connection().protocolVersion() == HttpVersion.HTTP_2) {
      req.response().endHandler(v -> req.response().reset(0));
      return;
    }
    CLOSING.put(req.connection(), Boolean.TRUE);
    req.response().putHeader("connection", "close").endHandler(v -> req.connection().close());
  }

  /**
   * Closes after the rest of the request's body has arrived, or a moment: closing a socket with
   * unread bytes in it makes TCP send a reset, which can destroy the answer before the client has
   * read it (RFC 9112 §9.6, "lingering close"). Bounded in time and bytes: a body that is huge or never
   * ends is not read to its end.
   */
  private static void linger(HttpServerRequest req, HttpConnection connection) {
    if (req.isEnded()) {
      connection.close();
      return;
    }
    long[] seen = {0};
    long timer = io.vertx.core.Vertx.currentContext().owner().setTimer(LINGER_MILLIS, t -> connection.close());
    Runnable close = () -> {
      io.vertx.core.Vertx.currentContext().owner().cancelTimer(timer);
      connection.close();
    };
    req.handler(chunk -> {
      seen[0] += chunk.length();
      if (seen[0] > LINGER_BYTES) {
        close.run();
      }
    });
    req.endHandler(v -> close.run());
    req.exceptionHandler(e -> close.run());
    req.resume();
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
