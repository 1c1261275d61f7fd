package dev.toolgate.server.http;

import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.limit.LimitOutcome;
import dev.toolgate.core.route.Route;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;

/**
 * The answers Toolgate writes itself rather than relays from an upstream: a refusal as problem+json
 * (with WWW-Authenticate, and in decision mode the problem header), the decision API's 200 with
 * identity headers, and the RateLimit and Retry-After headers. Each is sent once its audit record is
 * kept ({@link CallOutcome#recordThen}).
 */
final class CallAnswers {
  private final CallOutcome outcome;
  private final boolean decisionOnly;

  CallAnswers(CallOutcome outcome, boolean decisionOnly) {
    this.outcome = outcome;
    this.decisionOnly = decisionOnly;
  }

  /** Refuses the call unless it was answered already (a late step, say a body timeout after a 413, is dropped). */
  void refuse(Exchange ex, Route route, Decision decision) {
    if (ex.answered) {
      return;
    }
    ex.answered = true;
    HttpServerRequest req = ex.req;
    if (!req.isEnded()) {
      // The body was not read: close rather than drain it (it may be large, or never end).
      ClosingConnections.closeAfter(req);
    }
    outcome.recordThen(ex, route, decision, decision.code().code(), decision.code().status(), decision.detail(), () -> {
      Problem.send(req.response(), decision.code(), decision.detail(), ex.requestId, route == null ? null : route.name(), decision.challenges(),
          decisionOnly);
      outcome.observe(ex);
    }, null);
  }

  /**
   * Refuses an MCP message Toolgate cannot judge (not JSON-RPC, or headers that disagree with it) with
   * a JSON-RPC error, as an MCP server would, so the client's SDK reports it as such.
   */
  void refuseJsonRpc(Exchange ex, Route route, Decision decision, int jsonRpcCode, Object id) {
    if (ex.answered) {
      return;
    }
    ex.answered = true;
    outcome.recordThen(ex, route, decision, decision.code().code(), decision.code().status(), decision.detail(), () -> {
      Problem.sendJsonRpc(ex.req.response(), decision.code(), jsonRpcCode, id, decision.detail(), ex.requestId, route.name());
      outcome.observe(ex);
    }, null);
  }

  /** Decision mode: the proxy that asked forwards the call itself, with these identity headers. */
  void allow(Exchange ex, Route route, Decision decision) {
    ex.answered = true;
    if (!ex.req.isEnded()) {
      ClosingConnections.closeAfter(ex.req);
    }
    outcome.recordThen(ex, route, decision, "ok", 200, null, () -> {
      HttpServerResponse resp = ex.req.response();
      resp.putHeader(Forwarding.REQUEST_ID_HEADER, ex.requestId).putHeader(Forwarding.TOOL_HEADER, route.name());
      if (decision.clientId() != null) {
        resp.putHeader(Forwarding.CLIENT_HEADER, decision.clientId());
      }
      if (decision.subject() != null) {
        resp.putHeader(Forwarding.USER_HEADER, decision.subject());
      }
      resp.setStatusCode(200).end();
      outcome.observe(ex);
    }, null);
  }

  /**
   * {@code RateLimit-Limit}, {@code RateLimit-Remaining}, {@code RateLimit-Reset} (seconds) when the
   * decision touched a rate limit, and {@code Retry-After} (whole seconds, at least 1) on a refusal.
   */
  static void rateLimitHeaders(MultiMap headers, Decision decision) {
    LimitOutcome limit = decision.limit();
    if (limit == null) {
      return;
    }
    headers.set("ratelimit-limit", Long.toString(limit.limit()));
    headers.set("ratelimit-remaining", Long.toString(Math.max(0, limit.remaining())));
    headers.set("ratelimit-reset", Long.toString(ceilSeconds(limit.resetAfter(), 0)));
    if (!limit.allowed()) {
      headers.set("retry-after", Long.toString(ceilSeconds(limit.retryAfter(), 1)));
    }
  }

  private static long ceilSeconds(Duration d, long min) {
    long millis = d == null ? 0 : d.toMillis();
    return Math.max(min, (millis + 999) / 1000);
  }
}
