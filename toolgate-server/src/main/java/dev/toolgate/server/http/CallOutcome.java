package dev.toolgate.server.http;

import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.net.ClientAddress;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.AuditSink;
import dev.toolgate.core.route.Route;
import dev.toolgate.server.observe.CallObservers;
import dev.toolgate.server.observe.CallRecord;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a call, in two moments: {@link #recordThen} when the outcome is known (the audit record
 * and the trace's end; the answer leaves once the record is kept), {@link #observe} once the answer
 * is complete or cut off (one {@link CallRecord} to the metrics and the access log, whose timings and
 * byte counts need the whole answer).
 */
final class CallOutcome {
  static final String NOT_KEPT = "this call's audit record could not be kept, so its answer is withheld";
  private static final Logger LOG = LoggerFactory.getLogger(CallOutcome.class);
  private static final LogBudget NOT_KEPT_LOGS = new LogBudget(1);

  private final Vertx vertx;
  /** How long an answer waits for its record at most (the upstream timeout): a store that hangs must not hang every call. */
  private final Duration auditWait;
  private final AuditSink audit;
  private final CallObservers observers;
  /** The version of the configuration the call was judged by, written into each audit record. */
  private final String configVersion;
  private final boolean decisionOnly;
  private final ClientAddress clientAddress;

  CallOutcome(Vertx vertx, Duration auditWait, AuditSink audit, CallObservers observers, String configVersion, boolean decisionOnly,
      ClientAddress clientAddress) {
    this.vertx = vertx;
    this.auditWait = auditWait;
    this.audit = audit;
    this.observers = observers;
    this.configVersion = configVersion;
    this.decisionOnly = decisionOnly;
    this.clientAddress = clientAddress;
  }

  /**
   * Records the outcome, then runs {@code answer} once the record is kept: at once when records are
   * written after the answer ({@code audit.durability: async}), else on the call's event loop once its
   * batch is committed (or spilled). A record not kept within the upstream timeout, or that cannot be
   * kept at all, turns the answer into 503 {@code audit_unavailable} instead ({@code abandon}, if not
   * null, runs first to release what the answer would have used): no call is answered without its record.
   */
  void recordThen(Exchange ex, Route route, Decision decision, String code, int status, String detail, Runnable answer, Runnable abandon) {
    CompletableFuture<Void> kept = record(ex, route, decision, code, status, detail);
    ex.awaitingRecord = true; // the answer is on its way: an upstream reset meanwhile must not cut it off
    AuditedAnswer.whenKept(vertx, kept, auditWait, () -> {
      ex.awaitingRecord = false;
      answer.run();
    }, why -> {
      ex.awaitingRecord = false;
      notKept(ex, route, abandon, why);
    });
  }

  /** The record was not kept: 503 audit_unavailable in place of the answer. */
  private void notKept(Exchange ex, Route route, Runnable abandon, String why) {
    if (abandon != null) {
      abandon.run();
    }
    long left = NOT_KEPT_LOGS.take();
    if (left >= 0) {
      LOG.warn("call {} answered 503 audit_unavailable: its audit record was {}{}", ex.requestId, why,
          left > 0 ? " (" + left + " more such calls not logged)" : "");
    }
    ex.code = DenialCode.AUDIT_UNAVAILABLE.code();
    ex.status = DenialCode.AUDIT_UNAVAILABLE.status();
    HttpServerResponse resp = ex.req.response();
    if (!resp.ended() && !resp.closed() && !resp.headWritten()) {
      if (!ex.req.isEnded()) {
        ClosingConnections.closeAfter(ex.req);
      }
      Problem.send(resp, DenialCode.AUDIT_UNAVAILABLE, NOT_KEPT, ex.requestId, route == null ? null : route.name(), List.of(), decisionOnly);
    }
    observe(ex);
  }

  /** Records the outcome; the future completes once the record is kept (see {@link #recordThen}). */
  CompletableFuture<Void> record(Exchange ex, Route route, Decision decision, String code, int status, String detail) {
    ex.decidedNanos = System.nanoTime();
    ex.tool = route == null ? null : route.name();
    ex.decision = decision;
    ex.code = code;
    ex.status = status;
    CompletableFuture<Void> kept = audit.recordBeforeAnswer(new AuditEvent(Instant.now(), ex.requestId, ex.method, ex.path, clientIp(ex),
        route == null ? null : route.name(), decision.clientId(), decision.credentialIds(),
        decision.allowed() ? "allow" : "deny", code, status, (ex.decidedNanos - ex.startNanos) / 1000, detail, decision.trace(), configVersion));
    ex.trace.end(route, decision, code, status, ex.clientIp);
    return kept;
  }

  /** Once the answer is complete (or cut off): the call's outcome and timings to the metrics and the access log. */
  void observe(Exchange ex) {
    if (ex.observed || !observers.active() || ex.decision == null) {
      return;
    }
    ex.observed = true;
    long end = System.nanoTime();
    boolean forwarded = ex.forwardStartNanos != 0 && ex.upstreamDoneNanos != 0;
    long decided = ex.forwardStartNanos != 0 ? ex.forwardStartNanos : ex.decidedNanos;
    observers.completed(new CallRecord(ex.requestId, decisionOnly ? CallRecord.Mode.DECISION : CallRecord.Mode.PROXY, ex.method, ex.path,
        ex.tool, ex.decision.clientId(), ex.decision.allowed(), ex.code, ex.status, clientIp(ex), System.currentTimeMillis(),
        end - ex.startNanos, decided - ex.startNanos, forwarded ? ex.upstreamDoneNanos - ex.forwardStartNanos : -1,
        ex.req.bytesRead(), ex.req.response().bytesWritten()));
  }

  /** The client's IP: the peer, or the address a trusted proxy forwarded the call for. Resolved once. */
  String clientIp(Exchange ex) {
    if (ex.clientIp == null) {
      ex.clientIp = clientAddress.resolve(peer(ex.req), new VertxHeaders(ex.req.headers()));
    }
    return ex.clientIp;
  }

  static String peer(HttpServerRequest req) {
    return req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress();
  }
}
