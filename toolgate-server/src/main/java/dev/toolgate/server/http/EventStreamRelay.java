package dev.toolgate.server.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;

/**
 * Relays an MCP server's Server-Sent Events answer: each chunk written (and so flushed) as it
 * arrives, with backpressure; no idle timeout, since an open stream may rightly be quiet for long,
 * but ended after {@code maxStream}; a comment line every {@code keepalive} of silence, written only
 * between events, so proxies and load balancers do not close it; and the upstream request cancelled
 * the moment the caller goes away.
 */
final class EventStreamRelay {
  private static final Buffer KEEPALIVE = Buffer.buffer(": keepalive\n\n");

  private final Vertx vertx;
  private final Duration maxStream;
  private final Duration keepalive;
  private final CallOutcome outcome;

  EventStreamRelay(Vertx vertx, Duration maxStream, Duration keepalive, CallOutcome outcome) {
    this.vertx = vertx;
    this.maxStream = maxStream;
    this.keepalive = keepalive;
    this.outcome = outcome;
  }

  void relay(Exchange ex, HttpClientResponse answer, HttpServerResponse resp) {
    long[] lastWrite = {System.nanoTime()};
    boolean[] betweenEvents = {true};
    long[] timers = {0, 0};
    Runnable stopTimers = () -> {
      vertx.cancelTimer(timers[0]);
      vertx.cancelTimer(timers[1]);
    };
    Runnable cancelUpstream = () -> {
      stopTimers.run();
      answer.request().reset();
    };
    timers[0] = vertx.setTimer(maxStream.toMillis(), t -> {
      // The stream's time is up: end it cleanly (a client resumes with Last-Event-ID if it wants more).
      // Ended before the upstream is reset, so the reset's exception does not cut the caller's connection.
      if (!resp.ended()) {
        resp.end();
      }
      cancelUpstream.run();
      outcome.observe(ex);
    });
    if (keepalive != null) {
      timers[1] = vertx.setPeriodic(keepalive.toMillis(), t -> {
        if (betweenEvents[0] && !resp.writeQueueFull() && System.nanoTime() - lastWrite[0] >= keepalive.toNanos()) {
          resp.write(KEEPALIVE);
          lastWrite[0] = System.nanoTime();
        }
      });
    }
    answer.handler(chunk -> {
      lastWrite[0] = System.nanoTime();
      betweenEvents[0] = endsEvent(chunk);
      resp.write(chunk);
      if (resp.writeQueueFull()) {
        answer.pause();
        resp.drainHandler(v -> answer.resume());
      }
    });
    answer.endHandler(v -> {
      stopTimers.run();
      if (!resp.ended()) {
        resp.end();
      }
      outcome.observe(ex);
    });
    answer.exceptionHandler(e -> {
      cancelUpstream.run();
      if (!resp.ended()) {
        ClosingConnections.cut(ex.req); // a stream broken mid-way must not pass for a whole one
      }
      outcome.observe(ex);
    });
    resp.closeHandler(v -> {
      if (!resp.ended()) {
        cancelUpstream.run(); // the caller left: the MCP server learns at once (its request is reset)
        outcome.observe(ex);
      }
    });
  }

  /** Whether a chunk ends with a blank line: an event is complete, and a comment line cannot split one. */
  static boolean endsEvent(Buffer chunk) {
    int n = chunk.length();
    if (n >= 2 && chunk.getByte(n - 1) == '\n' && chunk.getByte(n - 2) == '\n') {
      return true;
    }
    if (n >= 2 && chunk.getByte(n - 1) == '\r' && chunk.getByte(n - 2) == '\r') {
      return true;
    }
    return n >= 4 && chunk.getByte(n - 1) == '\n' && chunk.getByte(n - 2) == '\r' && chunk.getByte(n - 3) == '\n' && chunk.getByte(n - 4) == '\r';
  }
}
