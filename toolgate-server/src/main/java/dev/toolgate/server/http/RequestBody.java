package dev.toolgate.server.http;

import dev.toolgate.core.config.ServerSettings;
import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.route.Route;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;

/**
 * The caller's body, bounded in size ({@code server.max_body_bytes}), in time ({@link #BODY_READ_TIMEOUT})
 * and by its Content-Length: buffered for a check that reads it, or else streamed to the upstream.
 * A body that breaks a bound is refused, whichever way it is read.
 */
final class RequestBody {
  /** A caller that has not finished sending its body by then is cut off (slow-body attacks hold memory). */
  static final Duration BODY_READ_TIMEOUT = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final ServerSettings settings;
  private final CallAnswers answers;

  RequestBody(Vertx vertx, ServerSettings settings, CallAnswers answers) {
    this.vertx = vertx;
    this.settings = settings;
    this.answers = answers;
  }

  /** Buffers the body for a check that reads it, never more than the configured maximum. */
  void read(Exchange ex, Route route, Handler<Buffer> then) {
    HttpServerRequest req = ex.req;
    long declared = RequestFraming.declaredLength(req);
    Buffer body = Buffer.buffer((int) Math.max(0, Math.min(declared, 64 * 1024)));
    long deadline = deadline(ex, route, null);
    req.handler(chunk -> {
      if (ex.answered) {
        return;
      }
      if (body.length() + chunk.length() > settings.maxBodyBytes()) {
        answers.refuse(ex, route, tooLarge());
        return;
      }
      body.appendBuffer(chunk);
    });
    req.endHandler(v -> {
      vertx.cancelTimer(deadline);
      if (!ex.answered && declared >= 0 && body.length() != declared) {
        answers.refuse(ex, route, lengthMismatch());
      } else if (!ex.answered) {
        then.handle(body);
      }
    });
    req.exceptionHandler(e -> {
      ex.clientGone = true;
      ClosingConnections.cut(req);
    });
    expectContinue(req);
    req.resume();
  }

  /** Copies a body no check needed straight through to the upstream, enforcing size and time limits on the way. */
  void streamTo(Exchange ex, Route route, HttpClientRequest up) {
    HttpServerRequest req = ex.req;
    if (req.headers().contains("transfer-encoding")) {
      up.setChunked(true);
    }
    long[] seen = {0};
    long declared = RequestFraming.declaredLength(req);
    long deadline = deadline(ex, route, up);
    req.handler(chunk -> {
      seen[0] += chunk.length();
      if (seen[0] > settings.maxBodyBytes() || declared >= 0 && seen[0] > declared) {
        req.handler(null);
        // Answer first: the reset below fails the upstream exchange. A body longer than its Content-Length
        // (HTTP/2 frames a body apart from it) would reach an HTTP/1.1 upstream as a second request.
        answers.refuse(ex, route, seen[0] > settings.maxBodyBytes() ? tooLarge() : lengthMismatch());
        up.reset();
        return;
      }
      if (!up.isChunked() && !up.headers().contains("content-length")) {
        up.setChunked(true); // an HTTP/2 body of unannounced length goes upstream chunked
      }
      up.write(chunk);
      if (up.writeQueueFull()) {
        req.pause();
        up.drainHandler(v -> req.resume());
      }
    });
    req.endHandler(v -> {
      vertx.cancelTimer(deadline);
      if (declared >= 0 && seen[0] != declared) {
        answers.refuse(ex, route, lengthMismatch());
        up.reset();
        return;
      }
      up.end();
    });
    req.exceptionHandler(e -> {
      ex.clientGone = true;
      up.reset();
    });
    expectContinue(req);
    req.resume();
  }

  private long deadline(Exchange ex, Route route, HttpClientRequest up) {
    return vertx.setTimer(BODY_READ_TIMEOUT.toMillis(), id -> {
      if (!ex.req.isEnded()) {
        if (ex.answered) {
          ClosingConnections.cut(ex.req); // answered already (say a 504): the rest of the body is not waited for either
        }
        answers.refuse(ex, route, Decision.refuse(DenialCode.REQUEST_TIMEOUT, "the body did not arrive within " + BODY_READ_TIMEOUT.toSeconds() + " s"));
        if (up != null) {
          up.reset();
        }
      }
    });
  }

  static Decision tooLarge() {
    return Decision.refuse(DenialCode.BODY_TOO_LARGE, "request body exceeds the configured maximum");
  }

  private static Decision lengthMismatch() {
    return Decision.refuse(DenialCode.BAD_REQUEST, "the body's length differs from its Content-Length");
  }

  private static void expectContinue(HttpServerRequest req) {
    if ("100-continue".equalsIgnoreCase(req.getHeader("expect"))) {
      req.response().writeContinue();
    }
  }
}
