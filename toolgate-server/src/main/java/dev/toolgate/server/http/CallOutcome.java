package dev.toolgate.server.http;

import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.net.ClientAddress;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.AuditSink;
import dev.toolgate.core.route.Route;
import dev.toolgate.server.observe.CallObservers;
import dev.toolgate.server.observe.CallRecord;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;

/**
 * The end of a call, in two moments: {@link #record} when the outcome is known (the audit record and
 * the trace's end), {@link #observe} once the answer is complete or cut off (one {@link CallRecord}
 * to the metrics and the access log, whose timings and byte counts need the whole answer).
 */
final class CallOutcome {
  private final AuditSink audit;
  private final CallObservers observers;
  /** The version of the configuration the call was judged by, written into each audit record. */
  private final String configVersion;
  private final boolean decisionOnly;
  private final ClientAddress clientAddress;

  CallOutcome(AuditSink audit, CallObservers observers, String configVersion, boolean decisionOnly, ClientAddress clientAddress) {
    this.audit = audit;
    this.observers = observers;
    this.configVersion = configVersion;
    this.decisionOnly = decisionOnly;
    this.clientAddress = clientAddress;
  }

  void record(Exchange ex, Route route, Decision decision, String code, int status, String detail) {
    ex.decidedNanos = System.nanoTime();
    ex.tool = route == null ? null : route.name();
    ex.decision = decision;
    ex.code = code;
    ex.status = status;
    audit.record(new AuditEvent(Instant.now(), ex.requestId, ex.method, ex.path, clientIp(ex),
        route == null ? null : route.name(), decision.clientId(), decision.credentialIds(),
        decision.allowed() ? "allow" : "deny", code, status, (ex.decidedNanos - ex.startNanos) / 1000, detail, decision.trace(), configVersion));
    ex.trace.end(route, decision, code, status, ex.clientIp);
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
