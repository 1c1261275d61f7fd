package dev.toolgate.server.http;

import dev.toolgate.core.decision.Decision;
import dev.toolgate.server.tracing.CallTrace;
import io.vertx.core.http.HttpServerRequest;

/** Per-call state the pipeline's steps share; only touched on the request's event loop. */
final class Exchange {
  final HttpServerRequest req;
  final String requestId;
  final long startNanos;
  boolean answered;
  /** Answered, and the answer waits for its audit record to be kept (durable mode): it is on its way. */
  boolean awaitingRecord;
  boolean clientGone;
  long forwardStartNanos;
  /** When the upstream's response head (or its failure) arrived; 0 before. */
  long upstreamDoneNanos;
  /** What was recorded, for the observers: when, which tool, the decision, code and status. */
  long decidedNanos;
  String tool;
  Decision decision;
  String code;
  int status;
  boolean observed;
  /** The call being judged: this request's own, or (decision mode) the one a proxy describes. */
  String method;
  String path;
  String query;
  String clientIp;
  /** This call's spans; {@link CallTrace#OFF} when tracing is off. */
  CallTrace trace;
  /** The end user the call's credentials name (a user token's or delegated token's subject), whatever a rule forwards; null when none. */
  String authenticatedSubject;
  /** The allowed browser origin of an MCP call, named in its CORS headers; null when none. */
  String corsOrigin;
  /** An MCP call's session as the upstream knows it (the caller's {@code Mcp-Session-Id} opened); null when none. */
  String mcpUpstreamSession;
  /** Tools a {@code tools/list} answer must not show this caller ({@code mcp.filter_tools_list}); null: show the answer as it is. */
  java.util.function.Predicate<String> mcpHiddenTools;

  Exchange(HttpServerRequest req, String requestId, long startNanos) {
    this.req = req;
    this.requestId = requestId;
    this.startNanos = startNanos;
    this.method = req.method().name();
    this.path = req.path();
    this.query = req.query();
  }
}
