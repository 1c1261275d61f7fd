package dev.toolgate.server.http;

import dev.toolgate.core.config.ServerSettings;
import dev.toolgate.core.decision.Check;
import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.engine.PolicyEngine;
import dev.toolgate.core.net.ClientAddress;
import dev.toolgate.core.port.AuditSink;
import dev.toolgate.core.mcp.McpRoute;
import dev.toolgate.core.request.ClientCertificate;
import dev.toolgate.core.request.JsonBody;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.PathAmbiguity;
import dev.toolgate.core.route.RequestPath;
import dev.toolgate.core.route.Route;
import dev.toolgate.core.route.RouteMatch;
import dev.toolgate.core.route.RouteTable;
import dev.toolgate.server.mcp.McpCors;
import dev.toolgate.server.mcp.McpGate;
import dev.toolgate.server.mcp.McpSessions;
import dev.toolgate.server.observe.CallObservers;
import dev.toolgate.server.tls.ClientCertificates;
import dev.toolgate.server.tls.UpstreamClients;
import dev.toolgate.server.tracing.CallTrace;
import dev.toolgate.server.tracing.Tracing;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The gateway's request pipeline, top to bottom:
 * framing and path → route → body (only when a check reads it, bounded in size and time) →
 * authenticate (every credential) → authorize (user binding, ownership, limits) → audit → forward
 * and stream back, or refuse with problem+json. What a step needs from outside (a trusted issuer's
 * keys, the users a call names) is fetched before it, off the event loop, only when not cached.
 * In decision mode (the {@code /decisions} API for nginx {@code auth_request} and Envoy ext_authz)
 * the same pipeline judges the call a proxy describes and answers 200 with identity headers
 * instead of forwarding. An MCP route ({@code mcp:}) is the same pipeline: its checks before the body
 * ({@link McpGate}), then each JSON-RPC message judged as a call of the route with its rule's policy
 * ({@link McpRoute}), the session checked against its caller, and the answer streamed back.
 *
 * <p>The steps and the decision are here; how a step is carried out is beside it: {@link RequestBody}
 * (the caller's body), {@link UpstreamExchange} (forwarding), {@link CallAnswers} (refusals and the
 * decision API's answer) and {@link CallOutcome} (audit, trace end, metrics and access log).
 */
final class ToolCallHandler implements Handler<HttpServerRequest> {
  private final RouteTable routes;
  private final PolicyEngine engine;
  private final ClientCertificates clientCertificates;
  private final ServerSettings settings;
  private final Vertx vertx;
  private final Prefetch prefetch;
  private final boolean decisionOnly;
  private final UnforwardableHeaders unforwardableHeaders;
  private final Tracing tracing;
  private final CallAnswers answers;
  private final RequestBody bodies;
  private final UpstreamExchange upstream;
  private final McpGate mcp;

  /** A handler for one running configuration: every step of a call it takes uses that configuration only. */
  ToolCallHandler(Vertx vertx, boolean decisionOnly, RunningConfig running, Map<Route, UpstreamTarget> targets, AuditSink audit,
      UpstreamClients upstreams, CallObservers observers, Tracing tracing, ClientCertificates clientCertificates) {
    this.clientCertificates = clientCertificates;
    this.tracing = tracing;
    this.vertx = vertx;
    this.prefetch = running.prefetch();
    this.decisionOnly = decisionOnly;
    this.routes = running.routes();
    this.engine = running.engine();
    this.settings = running.settings();
    this.unforwardableHeaders = new UnforwardableHeaders(routes.routes());
    this.mcp = running.mcp();
    CallOutcome outcome = new CallOutcome(vertx, settings.upstreamTimeout(), audit, observers, running.version(), decisionOnly, new ClientAddress(settings.trustedProxies()));
    this.answers = new CallAnswers(outcome, decisionOnly);
    this.bodies = new RequestBody(vertx, settings, answers);
    this.upstream = new UpstreamExchange(vertx, settings, targets, running.forwarding(), upstreams, bodies, outcome, running.mcp().sessions());
  }

  @Override
  public void handle(HttpServerRequest req) {
    req.pause(); // nothing is read until the policy says what it needs
    Exchange ex = new Exchange(req, RequestIds.next(), System.nanoTime());
    ex.trace = tracing.startCall(req, ex.requestId, decisionOnly);
    String framing = RequestFraming.problem(req);
    if (framing != null) {
      answers.refuse(ex, null, Decision.refuse(DenialCode.BAD_REQUEST, framing));
      return;
    }
    if (decisionOnly) {
      // The call being judged is described by the proxy that asks, in the one way server.decisions configures.
      DecisionTarget.Reading described = DecisionTarget.read(req, settings.decisions());
      if (described.refusal() != null) {
        answers.refuse(ex, null, described.refusal());
        return;
      }
      ex.method = described.target().method();
      ex.path = described.target().path();
      ex.query = described.target().query();
    }
    Optional<RequestPath> path = RequestPath.parse(ex.path);
    if (path.isEmpty()) {
      answers.refuse(ex, null, Decision.refuse(DenialCode.BAD_PATH, RequestPath.REFUSAL));
      return;
    }
    if (!QuerySyntax.isValid(ex.query)) {
      answers.refuse(ex, null, Decision.refuse(DenialCode.BAD_REQUEST, "query string has characters outside RFC 3986 or a broken %-escape"));
      return;
    }
    RouteTable.Lookup lookup = routes.lookup(ex.method, path.get());
    // Double encoding and trailing dots are refused unless the tool the path routes to allows them.
    Route routed = lookup instanceof RouteTable.Found f ? f.match().route() : null;
    Set<PathAmbiguity> ambiguous = path.get().refusedUnless(routed == null ? Set.of() : routed.tool().allowInPath());
    if (!ambiguous.isEmpty()) {
      answers.refuse(ex, routed, Decision.refuse(DenialCode.BAD_PATH, PathAmbiguity.refusal(ambiguous)));
      return;
    }
    if (lookup instanceof RouteTable.WrongMethod wrong) {
      req.response().putHeader("allow", String.join(", ", wrong.allowed()));
      answers.refuse(ex, null, Decision.refuse(DenialCode.METHOD_NOT_ALLOWED, ex.method + " is not accepted here; allowed: " + String.join(", ", wrong.allowed())));
      return;
    }
    if (!(lookup instanceof RouteTable.Found found)) {
      answers.refuse(ex, null, Decision.refuse(DenialCode.ROUTE_NOT_FOUND, "no tool is declared for " + ex.method + " " + ex.path));
      return;
    }
    RouteMatch match = found.match();
    Route route = match.route();
    McpRoute mcpRoute = mcp.route(route);
    if (mcpRoute != null && decisionOnly) {
      // Per-tool policy reads the body, which a proxy's decision request does not carry: judging the
      // route as a whole would let any tool through. MCP traffic goes through Toolgate itself.
      answers.refuse(ex, route, Decision.refuse(DenialCode.DECISION_TARGET_INVALID,
          "tool " + route.name() + " is an MCP route: its messages are judged from their body, so Toolgate must forward them itself"));
      return;
    }
    if (mcpRoute != null) {
      // A browser client on an allowed origin must be able to read every answer, refusals (their challenge) included.
      ex.corsOrigin = mcp.allowedOrigin(mcpRoute, req.headers());
      if (ex.corsOrigin != null && McpCors.isPreflight(ex.method, req.headers())) {
        ex.answered = true; // a preflight carries no credential and asks nothing of the MCP server
        McpCors.answerPreflight(req.response(), req.headers(), ex.corsOrigin);
        return;
      }
      if (ex.corsOrigin != null) {
        McpCors.allow(req.response().headers(), ex.corsOrigin);
      }
    }
    Decision beforeBody = mcpRoute == null ? null : mcp.beforeBody(mcpRoute, ex.method, ex.query, req.headers());
    if (beforeBody != null) {
      if (beforeBody.code() == DenialCode.METHOD_NOT_ALLOWED) {
        req.response().putHeader("allow", String.join(", ", McpGate.METHODS));
      }
      answers.refuse(ex, route, beforeBody);
      return;
    }
    Decision unforwardable = unforwardableHeaders.refusal(req.headers(), route, decisionOnly);
    if (unforwardable != null) {
      answers.refuse(ex, route, unforwardable);
      return;
    }
    if (RequestFraming.declaredLength(req) > settings.maxBodyBytes()) {
      answers.refuse(ex, route, RequestBody.tooLarge());
      return;
    }

    if (route.needsBody()) {
      bodies.read(ex, route, body -> decide(ex, match, mcpRoute, path.get(), body));
    } else {
      decide(ex, match, mcpRoute, path.get(), null);
    }
  }

  /** @param mcpRoute the route's MCP rules; null for a plain HTTP tool */
  private void decide(Exchange ex, RouteMatch match, McpRoute mcpRoute, RequestPath path, Buffer body) {
    HttpServerRequest req = ex.req;
    // Decision mode: the connection is the asking proxy's, so its certificate says nothing about the call judged.
    ClientCertificate certificate = decisionOnly ? null : clientCertificates.of(req, match.route());
    byte[] bytes = body == null ? null : body.getBytes();
    ToolCall call = new ToolCall(ex.requestId, ex.method, path, ex.query, new VertxHeaders(req.headers()), bytes, CallOutcome.peer(req),
        mcpRoute == null ? new JsonBody(bytes) : JsonBody.jsonRpc(bytes), match.pathParams(), certificate);
    if (mcpRoute == null) {
      judge(ex, call, match.route(), decision -> conclude(ex, match, decision, body));
    } else if (!ex.method.equals("POST") && bytes != null && bytes.length > 0) {
      // Judged by the route's own policy, a body would reach the server unread: what it says could be any call.
      answers.refuse(ex, match.route(), Decision.refuse(DenialCode.MCP_INVALID_MESSAGE, ex.method + " to an MCP server carries no body"));
    } else if (!ex.method.equals("POST")) {
      judge(ex, call, mcpRoute.routeWide(), decision -> concludeMcp(ex, match, decision, body)); // the stream, or a session's end
    } else {
      McpRoute.Judgement judgement = mcpRoute.judge(call);
      if (judgement instanceof McpRoute.Refusal refused) {
        answers.refuseJsonRpc(ex, match.route(), Decision.refuse(refused.code(), refused.detail()), refused.jsonRpcCode(), refused.id());
      } else {
        List<McpRoute.Judged> messages = ((McpRoute.Messages) judgement).judged();
        if (mcpRoute.settings().filterToolsList() && messages.size() == 1 && "tools/list".equals(messages.get(0).message().method())) {
          ex.mcpHiddenTools = mcpRoute.hiddenTools(call, engine::credentialsPass);
        }
        judgeMessages(ex, match, call, messages, 0, new ArrayList<>(), new ArrayList<>(), body);
      }
    }
  }

  /**
   * Judges an MCP POST's messages one after another, each as a call of the route with its rule's
   * policy; the first refusal is the answer, and the call goes upstream only when every one is allowed.
   */
  private void judgeMessages(Exchange ex, RouteMatch match, ToolCall call, List<McpRoute.Judged> messages, int next, List<Check> trace,
      List<Decision> decisions, Buffer body) {
    McpRoute.Judged message = messages.get(next);
    trace.add(new Check("mcp", message.refusal() == null, message.message().describe()));
    if (message.refusal() != null) {
      conclude(ex, match, Decision.refuse(DenialCode.MCP_METHOD_DENIED, message.refusal()).withTrace(List.copyOf(trace)), body);
      return;
    }
    judge(ex, call, message.route(), decision -> {
      trace.addAll(decision.trace());
      Decision judged = next == 0 || !decision.allowed() ? decision : sameCaller(decisions.get(next - 1), decision);
      decisions.add(judged);
      if (judged.allowed() && next + 1 < messages.size()) {
        judgeMessages(ex, match, call, messages, next + 1, trace, decisions, body);
      } else {
        concludeMcp(ex, match, judged.withTrace(List.copyOf(trace)), body);
      }
    });
  }

  /**
   * A batch goes upstream as one request with one X-Toolgate-Client and X-Toolgate-User: every message
   * must be judged for the same client and (where a message names one) the same user. {@code before}
   * (the previous message's) carries the user so far; the answer is {@code next} carrying it too, or a refusal.
   */
  private static Decision sameCaller(Decision before, Decision next) {
    boolean sameClient = java.util.Objects.equals(before.clientId(), next.clientId());
    boolean sameUser = before.subject() == null || next.subject() == null || before.subject().equals(next.subject());
    if (!sameClient || !sameUser) {
      String detail = "the messages of this batch are judged for different " + (sameClient ? "users" : "clients") + ": send them one by one";
      List<Check> trace = new ArrayList<>(next.trace());
      trace.add(new Check("mcp_batch", false, detail));
      return Decision.deny(sameClient ? DenialCode.USER_MISMATCH : DenialCode.CLIENT_MISMATCH, detail, next.clientId(), next.credentialIds(), List.of(), trace);
    }
    String user = next.subject() != null ? next.subject() : before.subject();
    return new Decision(true, null, null, next.clientId(), user, next.credentialIds(), List.of(), next.trace(), next.limit());
  }

  /**
   * Authenticates and authorizes {@code call} as a call of {@code route} and hands the decision on.
   * What a step needs from outside is fetched before it (see the class comment).
   */
  private void judge(Exchange ex, ToolCall call, Route route, Consumer<Decision> then) {
    // Without the keys the verifier answers 503 issuer_unavailable. An address over its failed-auth
    // budget is verified with the keys at hand: its guesses must not make Toolgate fetch anything.
    var keys = engine.overFailureBudget(call) ? Prefetch.DONE : prefetch.beforeVerification(call, route);
    whenReady(ex, CallTrace.ISSUER_KEYS, keys, ready -> whenReady(ex, CallTrace.FAILED_AUTH, engine.authenticate(call, route), authenticated -> {
      if (authenticated == null) {
        then.accept(sharedStateTimedOut());
      } else if (authenticated.refused()) {
        then.accept(authenticated.refusal());
      } else {
        ex.authenticatedSubject = authenticated.subject(); // who the credentials name, whatever a rule forwards
        // Users are looked up only for calls whose credentials verified; without them the answer is 503.
        whenReady(ex, CallTrace.USERS, prefetch.beforeAuthorization(authenticated), users -> whenReady(ex, CallTrace.QUOTA,
            engine.authorize(authenticated, users), decision -> then.accept(decision == null ? sharedStateTimedOut() : decision)));
      }
    }));
  }

  /** An allowed MCP call names its session: the caller's must be one it opened itself (else 404, as for an unknown one). */
  private void concludeMcp(Exchange ex, RouteMatch match, Decision decision, Buffer body) {
    List<String> sessions = ex.req.headers().getAll(McpSessions.HEADER);
    if (decision.allowed() && !sessions.isEmpty()) {
      Optional<String> upstreamId = sessions.size() != 1 ? Optional.empty()
          : mcp.sessions().open(sessions.get(0), match.route().name(), decision.clientId(), ex.authenticatedSubject);
      if (upstreamId.isEmpty()) {
        List<Check> trace = new ArrayList<>(decision.trace());
        trace.add(new Check("mcp_session", false, "Mcp-Session-Id is not a session this client and user opened on this route"));
        conclude(ex, match, Decision.deny(DenialCode.MCP_SESSION_NOT_FOUND, "no such MCP session; start a new one (initialize)",
            decision.clientId(), decision.credentialIds(), List.of(), trace), body);
        return;
      }
      ex.mcpUpstreamSession = upstreamId.get();
    }
    conclude(ex, match, decision, body);
  }

  /** A step that waited on the shared state longer than the upstream timeout (the backend's own timeout is shorter). */
  private Decision sharedStateTimedOut() {
    return Decision.refuse(DenialCode.SHARED_STATE_UNAVAILABLE, "the shared state did not answer within " + settings.upstreamTimeout().toMillis() + " ms");
  }

  /**
   * Runs {@code next} now when nothing is being fetched, else on this event loop once it is in,
   * never later than the upstream timeout. A wait is a child span named {@code step} of the call's trace.
   */
  private <T> void whenReady(Exchange ex, String step, CompletableFuture<T> fetching, Consumer<T> next) {
    if (fetching.isDone() && !fetching.isCompletedExceptionally()) {
      next.accept(fetching.join());
      return;
    }
    var context = vertx.getOrCreateContext();
    CallTrace.Step waiting = ex.trace.step(step);
    fetching.copy().completeOnTimeout(null, settings.upstreamTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((v, e) -> context.runOnContext(x -> {
          waiting.end(!fetching.isDone() ? "timeout" : fetching.isCompletedExceptionally() ? "failed" : null);
          next.accept(e == null ? v : null);
        }));
  }

  private void conclude(Exchange ex, RouteMatch match, Decision decision, Buffer body) {
    CallAnswers.rateLimitHeaders(ex.req.response().headers(), decision);
    if (decision.allowed() && decisionOnly) {
      answers.allow(ex, match.route(), decision);
    } else if (decision.allowed()) {
      upstream.forward(ex, match, decision, body);
    } else {
      answers.refuse(ex, match.route(), decision);
    }
  }
}
