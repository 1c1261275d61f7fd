package dev.toolgate.server.http;

import dev.toolgate.core.config.McpSettings;
import dev.toolgate.core.config.ServerSettings;
import dev.toolgate.core.config.UserTokenPolicy;
import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.request.JsonBody;
import dev.toolgate.core.request.QueryString;
import dev.toolgate.core.route.Route;
import dev.toolgate.core.route.RouteMatch;
import dev.toolgate.server.mcp.McpCors;
import dev.toolgate.server.mcp.McpSessions;
import dev.toolgate.server.mcp.ToolsListFilter;
import dev.toolgate.server.tls.UpstreamCertificateFailures;
import dev.toolgate.server.tls.UpstreamClients;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * An allowed call's exchange with its tool's upstream: the upstream request (what {@link Forwarding}
 * lets through, the traced {@code traceparent}), the body streamed there and the answer streamed
 * back with backpressure, both within the upstream timeout; a failure is answered 502 or 504 and logged.
 */
final class UpstreamExchange {
  private final Vertx vertx;
  private final ServerSettings settings;
  private final Map<Route, UpstreamTarget> targets;
  private final Forwarding forwarding;
  private final UpstreamClients upstreams;
  private final RequestBody bodies;
  private final CallOutcome outcome;
  private final McpSessions sessions;

  UpstreamExchange(Vertx vertx, ServerSettings settings, Map<Route, UpstreamTarget> targets, Forwarding forwarding,
      UpstreamClients upstreams, RequestBody bodies, CallOutcome outcome, McpSessions sessions) {
    this.sessions = sessions;
    this.vertx = vertx;
    this.settings = settings;
    this.targets = targets;
    this.forwarding = forwarding;
    this.upstreams = upstreams;
    this.bodies = bodies;
    this.outcome = outcome;
  }

  /** @param body the buffered body, or null when the body has not been read and is streamed */
  void forward(Exchange ex, RouteMatch match, Decision decision, Buffer body) {
    HttpServerRequest req = ex.req;
    Route route = match.route();
    UpstreamTarget target = targets.get(route);
    // A user token in the query or the body is a credential like a header: it does not go upstream.
    UserTokenPolicy userToken = route.tool().policy().userToken();
    String query = userToken != null && userToken.queryParam() != null ? QueryString.without(ex.query, userToken.queryParam()) : ex.query;
    Buffer forwardedBody = withoutUserToken(userToken, body);
    RequestOptions options = new RequestOptions()
        .setMethod(req.method())
        .setHost(target.host())
        .setPort(target.port())
        .setSsl(target.tls())
        .setURI(target.uri(match, ex.path, query))
        .setConnectTimeout(settings.upstreamTimeout().toMillis())
        // An MCP server's answer may stream events for as long as mcp.stream.max_duration, idle in between:
        // its head is timed below instead, its body by relay().
        .setIdleTimeout(route.tool().isMcp() ? 0 : settings.upstreamTimeout().toMillis());
    if (route.tool().isMcp()) {
      IdleGuard.holdOpen(req); // a tool call may run, or a stream stay quiet, longer than an idle connection may live
    }
    ex.trace.upstream(req.method().name(), target.host(), target.port(), target.tls());
    ex.forwardStartNanos = System.nanoTime();

    upstreams.client(route).request(options).onComplete(opened -> {
      if (opened.failed()) {
        failed(ex, route, decision, opened.cause());
        return;
      }
      HttpClientRequest up = opened.result();
      up.exceptionHandler(e -> { }); // failures arrive through the response future below
      // A caller that goes away before the answer starts cancels the upstream's work at once (an MCP
      // tool may run for minutes); once the answer streams, relay() watches the caller instead.
      req.response().closeHandler(v -> {
        if (!ex.answered) {
          ex.clientGone = true;
          up.reset();
        }
      });
      // Written straight into the upstream request's own headers: no intermediate map to copy from.
      MultiMap headers = up.headers();
      try {
        forwarding.upstreamHeaders(req.headers(), headers, route, decision.clientId(), decision.subject(), ex.requestId, arrival(ex));
        headers.set("host", target.authority());
        if (route.tool().isMcp()) {
          // The caller's session id is Toolgate's sealed one: the upstream gets its own back.
          headers.remove(McpSessions.HEADER);
          if (ex.mcpUpstreamSession != null) {
            headers.set(McpSessions.HEADER, ex.mcpUpstreamSession);
          }
        }
        if (forwardedBody != null) {
          // The length of the bytes sent, never one a caller declared (HTTP/2 carries the body in frames of its own).
          headers.set("content-length", Integer.toString(forwardedBody.length()));
        }
        ex.trace.propagate(headers);
      } catch (RuntimeException e) {
        // The upstream request's headers check what they hold (a character HTTP/1.1 cannot carry): this
        // runs in a callback, where a throw would leave the caller unanswered and the upstream stream open.
        up.reset();
        failed(ex, route, decision, e);
        return;
      }
      // A tools/call may run for minutes before its answer starts: an MCP route waits up to mcp.stream.max_duration.
      long headTimer = !route.tool().isMcp() ? 0
          : vertx.setTimer(route.tool().mcp().maxStream().toMillis(), t -> up.reset(0, new TimeoutException("no response head in time")));
      up.response().onComplete(answered -> {
        vertx.cancelTimer(headTimer);
        if (answered.failed()) {
          failed(ex, route, decision, answered.cause());
        } else {
          streamBack(ex, route, decision, answered.result());
        }
      });
      if (body != null) {
        up.end(forwardedBody);
      } else {
        bodies.streamTo(ex, route, up);
      }
    });
  }

  /** The buffered body minus the user token's field, or the body itself when it has none. */
  private static Buffer withoutUserToken(UserTokenPolicy userToken, Buffer body) {
    if (userToken == null || userToken.bodyPointer() == null || body == null) {
      return body;
    }
    byte[] stripped = new JsonBody(body.getBytes()).without(userToken.bodyPointer());
    return stripped == null ? body : Buffer.buffer(stripped);
  }

  private void streamBack(Exchange ex, Route route, Decision decision, HttpClientResponse answer) {
    ex.upstreamDoneNanos = System.nanoTime();
    if (ex.answered) {
      discard(answer); // the caller was already answered (e.g. 413 while streaming)
      return;
    }
    if (answer.statusCode() < 200) {
      // A final 1xx (101 Switching Protocols above all) would turn the caller's connection into a tunnel.
      discard(answer);
      failed(ex, route, decision, new IllegalStateException("upstream answered " + answer.statusCode()));
      return;
    }
    ex.answered = true;
    answer.pause(); // not a byte of the answer leaves before its audit record is kept
    outcome.recordThen(ex, route, decision, "ok", answer.statusCode(), null, () -> {
      if (ex.req.response().closed()) {
        discard(answer); // the caller left while the record was written
        outcome.observe(ex);
        return;
      }
      relayAnswer(ex, route, decision, answer);
      answer.resume();
    }, () -> discard(answer));
  }

  /** The upstream's answer, its record kept: head then body to the caller. */
  private void relayAnswer(Exchange ex, Route route, Decision decision, HttpClientResponse answer) {
    HttpServerResponse resp = ex.req.response();
    resp.setStatusCode(answer.statusCode());
    Forwarding.copyResponseHeaders(answer.headers(), resp.headers());
    resp.headers().set(Forwarding.REQUEST_ID_HEADER, ex.requestId);
    CallAnswers.rateLimitHeaders(resp.headers(), decision); // ours, not any the upstream sent
    McpSettings mcp = route.tool().mcp();
    boolean filtered = ex.mcpHiddenTools != null && answer.statusCode() == 200;
    if (!resp.headers().contains("content-length") && !filtered) {
      resp.setChunked(true);
    }
    boolean events = mcp != null && isEventStream(answer.getHeader("content-type"));
    if (mcp != null) {
      if (ex.corsOrigin != null) {
        McpCors.allow(resp.headers(), ex.corsOrigin); // ours, not the MCP server's
      }
      String session = answer.getHeader(McpSessions.HEADER);
      if (session != null) {
        resp.headers().set(McpSessions.HEADER, sessions.seal(session, route.name(), decision.clientId(), ex.authenticatedSubject));
      }
      if (events) {
        resp.headers().set("x-accel-buffering", "no"); // nginx in front must pass each event on at once
      }
    }
    if (filtered) {
      relayFiltered(ex, answer, resp, events);
    } else if (events) {
      new EventStreamRelay(vertx, mcp.maxStream(), mcp.keepalive(), outcome).relay(ex, answer, resp);
    } else {
      relay(ex, answer, resp);
    }
  }

  /** A tools/list answer, read whole (bounded) and relayed without the tools this caller may not call. */
  private void relayFiltered(Exchange ex, HttpClientResponse answer, HttpServerResponse resp, boolean events) {
    Buffer collected = Buffer.buffer();
    long deadline = vertx.setTimer(settings.upstreamTimeout().toMillis(), t -> {
      answer.request().reset();
      ClosingConnections.cut(ex.req);
      outcome.observe(ex);
    });
    answer.handler(chunk -> {
      if (collected.length() + chunk.length() > ToolsListFilter.MAX_BYTES) {
        vertx.cancelTimer(deadline);
        answer.request().reset(); // too large to rewrite: the caller's answer is cut, never passed unfiltered
        ClosingConnections.cut(ex.req);
        outcome.observe(ex);
      } else {
        collected.appendBuffer(chunk);
      }
    });
    answer.exceptionHandler(e -> {
      vertx.cancelTimer(deadline);
      ClosingConnections.cut(ex.req);
      outcome.observe(ex);
    });
    answer.endHandler(v -> {
      vertx.cancelTimer(deadline);
      if (resp.ended() || resp.closed()) {
        return;
      }
      Buffer out = ToolsListFilter.filter(collected, events, ex.mcpHiddenTools);
      resp.headers().remove("content-length").remove("transfer-encoding");
      resp.putHeader("content-length", Integer.toString(out.length()));
      resp.end(out);
      outcome.observe(ex);
    });
  }

  private static boolean isEventStream(String contentType) {
    return contentType != null && contentType.strip().toLowerCase(java.util.Locale.ROOT).startsWith("text/event-stream");
  }

  /** Resets an answer nobody will read; the reset it reports back is expected, not an error to log. */
  private static void discard(HttpClientResponse answer) {
    answer.exceptionHandler(e -> { });
    answer.request().reset();
  }

  /**
   * Streams the upstream's body to the caller with backpressure. An upstream that stalls for longer
   * than the upstream timeout mid-body is cut off, and so is the caller's connection: a truncated
   * body must never pass for a whole one. (The request's idle timeout ends with the response head,
   * so the body has a watchdog of its own.)
   */
  private void relay(Exchange ex, HttpClientResponse answer, HttpServerResponse resp) {
    long timeout = settings.upstreamTimeout().toNanos();
    long[] lastData = {System.nanoTime()};
    long[] watchdog = {0};
    Runnable abort = () -> {
      vertx.cancelTimer(watchdog[0]);
      answer.request().reset();
      ClosingConnections.cut(ex.req);
      outcome.observe(ex);
    };
    Handler<Long> check = new Handler<>() {
      @Override
      public void handle(Long id) {
        long idle = System.nanoTime() - lastData[0];
        if (idle >= timeout) {
          abort.run();
        } else {
          watchdog[0] = vertx.setTimer(Math.max(1, (timeout - idle) / 1_000_000), this);
        }
      }
    };
    watchdog[0] = vertx.setTimer(Math.max(1, timeout / 1_000_000), check);
    answer.handler(chunk -> {
      lastData[0] = System.nanoTime();
      resp.write(chunk);
      if (resp.writeQueueFull()) {
        answer.pause();
        resp.drainHandler(v -> answer.resume());
      }
    });
    answer.endHandler(v -> {
      vertx.cancelTimer(watchdog[0]);
      resp.end();
      outcome.observe(ex);
    });
    answer.exceptionHandler(e -> abort.run());
    resp.closeHandler(v -> {
      if (!resp.ended()) {
        abort.run(); // the caller left: stop pulling from the upstream
      }
    });
  }

  /** The upstream could not be reached, broke the exchange or took too long: 502, 504, or 499 for a caller gone. */
  private void failed(Exchange ex, Route route, Decision decision, Throwable cause) {
    if (ex.answered) {
      if (!ex.req.response().ended() && !ex.awaitingRecord) {
        ClosingConnections.cut(ex.req); // an answer under way broke off; one waiting for its record (a 413) is still sent
      }
      return; // the caller already has an answer, and the audit its record
    }
    ex.answered = true;
    ex.upstreamDoneNanos = System.nanoTime();
    if (ex.clientGone) {
      outcome.record(ex, route, decision, "client_aborted", 499, "the caller went away before the call completed");
      outcome.observe(ex);
      return;
    }
    // Idle timeouts surface as TimeoutException or as a closed connection, depending on where they hit.
    // A certificate that does not verify is said so however long the handshake took.
    UpstreamTarget target = targets.get(route);
    boolean badCertificate = target.tls() && UpstreamCertificateFailures.isCertificateFailure(cause);
    boolean timeout = !badCertificate && (cause instanceof TimeoutException
        || System.nanoTime() - ex.forwardStartNanos >= headTimeout(route).toNanos());
    DenialCode code = timeout ? DenialCode.UPSTREAM_TIMEOUT : badCertificate ? DenialCode.UPSTREAM_CERTIFICATE_INVALID : DenialCode.UPSTREAM_UNREACHABLE;
    String detail = timeout
        ? "upstream of tool " + route.name() + " did not answer within " + headTimeout(route).toMillis() + " ms"
        : badCertificate ? "upstream of tool " + route.name() + " presented a TLS certificate that does not verify; the call was not forwarded"
        : "upstream of tool " + route.name() + " could not be reached or broke the exchange";
    if (badCertificate) {
      UpstreamCertificateFailures.warn(route.name(), target.host(), target.port(), cause);
    }
    UpstreamFailureLog.failed(code, ex.requestId, route.name(), targets.get(route).authority(), cause);
    if (!ex.req.isEnded()) {
      // The caller is still sending a body nobody will read: close rather than keep reading it.
      ClosingConnections.closeAfter(ex.req);
    }
    outcome.recordThen(ex, route, decision, code.code(), code.status(), detail, () -> {
      Problem.send(ex.req.response(), code, detail, ex.requestId, route.name(), List.of());
      outcome.observe(ex);
    }, null);
  }

  /** How long the upstream may take to start its answer. */
  private java.time.Duration headTimeout(Route route) {
    return route.tool().isMcp() ? route.tool().mcp().maxStream() : settings.upstreamTimeout();
  }

  /** How the call arrived, for the X-Forwarded-* headers Toolgate writes itself. */
  private Forwarding.Arrival arrival(Exchange ex) {
    HttpServerRequest req = ex.req;
    return new Forwarding.Arrival(outcome.clientIp(ex), req.authority() == null ? null : req.authority().toString(),
        req.localAddress() == null ? 0 : req.localAddress().port(), req.isSSL());
  }
}
