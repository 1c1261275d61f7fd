package dev.toolgate.server.http;

import dev.toolgate.core.config.ServerSettings;
import dev.toolgate.core.config.UserTokenPolicy;
import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.engine.PolicyEngine;
import dev.toolgate.core.limit.LimitOutcome;
import dev.toolgate.core.net.ClientAddress;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.AuditSink;
import dev.toolgate.core.request.JsonBody;
import dev.toolgate.core.request.QueryString;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.PathAmbiguity;
import dev.toolgate.core.route.RequestPath;
import dev.toolgate.core.route.Route;
import dev.toolgate.core.route.RouteMatch;
import dev.toolgate.core.route.RouteTable;
import dev.toolgate.server.observe.CallObservers;
import dev.toolgate.server.observe.CallRecord;
import dev.toolgate.server.tracing.CallTrace;
import dev.toolgate.server.tracing.Tracing;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import dev.toolgate.core.request.ClientCertificate;
import dev.toolgate.server.tls.ClientCertificates;
import dev.toolgate.server.tls.UpstreamCertificateFailures;
import dev.toolgate.server.tls.UpstreamClients;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * The gateway's request pipeline, top to bottom:
 * framing and path → route → body (only when a check reads it, bounded in size and time) →
 * authenticate (every credential) → authorize (user binding, ownership, limits) → audit → forward
 * and stream back, or refuse with problem+json. What a step needs from outside (a trusted issuer's
 * keys, the users a call names) is fetched before it, off the event loop, only when not cached.
 * In decision mode (the {@code /decisions} API for nginx {@code auth_request} and Envoy ext_authz)
 * the same pipeline judges the call a proxy describes and answers 200 with identity headers
 * instead of forwarding.
 */
final class ToolCallHandler implements Handler<HttpServerRequest> {
  /** A caller that has not finished sending its body by then is cut off (slow-body attacks hold memory). */
  static final Duration BODY_READ_TIMEOUT = Duration.ofSeconds(30);

  private final RouteTable routes;
  private final Map<Route, UpstreamTarget> targets;
  private final Forwarding forwarding;
  private final PolicyEngine engine;
  private final AuditSink audit;
  private final UpstreamClients upstreams;
  private final ClientCertificates clientCertificates;
  private final ServerSettings settings;
  private final Vertx vertx;
  private final Prefetch prefetch;
  private final boolean decisionOnly;
  private final ClientAddress clientAddress;
  private final UnforwardableHeaders unforwardableHeaders;
  private final CallObservers observers;
  private final Tracing tracing;

  /** The version of the configuration this handler judges by, written into each audit record. */
  private final String configVersion;

  /** A handler for one running configuration: every step of a call it takes uses that configuration only. */
  ToolCallHandler(Vertx vertx, boolean decisionOnly, RunningConfig running, Map<Route, UpstreamTarget> targets, AuditSink audit,
      UpstreamClients upstreams, CallObservers observers, Tracing tracing, ClientCertificates clientCertificates) {
    this.clientCertificates = clientCertificates;
    this.observers = observers;
    this.tracing = tracing;
    this.vertx = vertx;
    this.prefetch = running.prefetch();
    this.decisionOnly = decisionOnly;
    this.routes = running.routes();
    this.targets = targets;
    this.forwarding = running.forwarding();
    this.engine = running.engine();
    this.audit = audit;
    this.upstreams = upstreams;
    this.settings = running.settings();
    this.configVersion = running.version();
    this.clientAddress = new ClientAddress(settings.trustedProxies());
    this.unforwardableHeaders = new UnforwardableHeaders(routes.routes());
  }

  @Override
  public void handle(HttpServerRequest req) {
    req.pause(); // nothing is read until the policy says what it needs
    Exchange ex = new Exchange(req, RequestIds.next(), System.nanoTime());
    ex.trace = tracing.startCall(req, ex.requestId, decisionOnly);
    String framing = RequestFraming.problem(req);
    if (framing != null) {
      refuse(ex, null, Decision.refuse(DenialCode.BAD_REQUEST, framing));
      return;
    }
    if (decisionOnly) {
      // The call being judged is described by the proxy that asks, in the one way server.decisions configures.
      DecisionTarget.Reading described = DecisionTarget.read(req, settings.decisions());
      if (described.refusal() != null) {
        refuse(ex, null, described.refusal());
        return;
      }
      ex.method = described.target().method();
      ex.path = described.target().path();
      ex.query = described.target().query();
    }
    Optional<RequestPath> path = RequestPath.parse(ex.path);
    if (path.isEmpty()) {
      refuse(ex, null, Decision.refuse(DenialCode.BAD_PATH, RequestPath.REFUSAL));
      return;
    }
    if (!QuerySyntax.isValid(ex.query)) {
      refuse(ex, null, Decision.refuse(DenialCode.BAD_REQUEST, "query string has characters outside RFC 3986 or a broken %-escape"));
      return;
    }
    RouteTable.Lookup lookup = routes.lookup(ex.method, path.get());
    // Double encoding and trailing dots are refused unless the tool the path routes to allows them.
    Route routed = lookup instanceof RouteTable.Found f ? f.match().route() : null;
    Set<PathAmbiguity> ambiguous = path.get().refusedUnless(routed == null ? Set.of() : routed.tool().allowInPath());
    if (!ambiguous.isEmpty()) {
      refuse(ex, routed, Decision.refuse(DenialCode.BAD_PATH, PathAmbiguity.refusal(ambiguous)));
      return;
    }
    if (lookup instanceof RouteTable.WrongMethod wrong) {
      req.response().putHeader("allow", String.join(", ", wrong.allowed()));
      refuse(ex, null, Decision.refuse(DenialCode.METHOD_NOT_ALLOWED, ex.method + " is not accepted here; allowed: " + String.join(", ", wrong.allowed())));
      return;
    }
    if (!(lookup instanceof RouteTable.Found found)) {
      refuse(ex, null, Decision.refuse(DenialCode.ROUTE_NOT_FOUND, "no tool is declared for " + ex.method + " " + ex.path));
      return;
    }
    RouteMatch match = found.match();
    Route route = match.route();
    Decision unforwardable = unforwardableHeaders.refusal(req.headers(), route, decisionOnly);
    if (unforwardable != null) {
      refuse(ex, route, unforwardable);
      return;
    }
    if (RequestFraming.declaredLength(req) > settings.maxBodyBytes()) {
      refuse(ex, route, tooLarge());
      return;
    }

    if (route.needsBody()) {
      readBody(ex, route, body -> decide(ex, match, path.get(), body));
    } else {
      decide(ex, match, path.get(), null);
    }
  }

  private void decide(Exchange ex, RouteMatch match, RequestPath path, Buffer body) {
    HttpServerRequest req = ex.req;
    // Decision mode: the connection is the asking proxy's, so its certificate says nothing about the call judged.
    ClientCertificate certificate = decisionOnly ? null : clientCertificates.of(req, match.route());
    ToolCall call = new ToolCall(ex.requestId, ex.method, path, ex.query, new VertxHeaders(req.headers()),
        body == null ? null : body.getBytes(), peer(req), match.pathParams(), certificate);
    // Without the keys the verifier answers 503 issuer_unavailable. An address over its failed-auth
    // budget is verified with the keys at hand: its guesses must not make Toolgate fetch anything.
    var keys = engine.overFailureBudget(call) ? Prefetch.DONE : prefetch.beforeVerification(call, match.route());
    whenReady(ex, CallTrace.ISSUER_KEYS, keys, ready -> whenReady(ex, CallTrace.FAILED_AUTH, engine.authenticate(call, match.route()),
        authenticated -> authorize(ex, match, authenticated, body)));
  }

  private void authorize(Exchange ex, RouteMatch match, PolicyEngine.Authenticated authenticated, Buffer body) {
    if (authenticated == null) {
      refuse(ex, match.route(), sharedStateTimedOut());
    } else if (authenticated.refused()) {
      conclude(ex, match, authenticated.refusal(), body);
    } else {
      // Users are looked up only for calls whose credentials verified; without them the answer is 503.
      whenReady(ex, CallTrace.USERS, prefetch.beforeAuthorization(authenticated), users -> whenReady(ex, CallTrace.QUOTA,
          engine.authorize(authenticated, users), decision -> conclude(ex, match, decision == null ? sharedStateTimedOut() : decision, body)));
    }
  }

  /** A step that waited on the shared state longer than the upstream timeout (the backend's own timeout is shorter). */
  private Decision sharedStateTimedOut() {
    return Decision.refuse(DenialCode.SHARED_STATE_UNAVAILABLE, "the shared state did not answer within " + settings.upstreamTimeout().toMillis() + " ms");
  }

  /**
   * Runs {@code next} now when nothing is being fetched, else on this event loop once it is in,
   * never later than the upstream timeout. A wait is a child span named {@code step} of the call's trace.
   */
  private <T> void whenReady(Exchange ex, String step, java.util.concurrent.CompletableFuture<T> fetching, java.util.function.Consumer<T> next) {
    if (fetching.isDone() && !fetching.isCompletedExceptionally()) {
      next.accept(fetching.join());
      return;
    }
    var context = vertx.getOrCreateContext();
    CallTrace.Step waiting = ex.trace.step(step);
    fetching.copy().completeOnTimeout(null, settings.upstreamTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .whenComplete((v, e) -> context.runOnContext(x -> {
          waiting.end(!fetching.isDone() ? "timeout" : fetching.isCompletedExceptionally() ? "failed" : null);
          next.accept(e == null ? v : null);
        }));
  }

  private void conclude(Exchange ex, RouteMatch match, Decision decision, Buffer body) {
    rateLimitHeaders(ex.req.response().headers(), decision);
    if (decision.allowed() && decisionOnly) {
      answerAllowed(ex, match.route(), decision);
    } else if (decision.allowed()) {
      forward(ex, match, decision, body);
    } else {
      refuse(ex, match.route(), decision);
    }
  }

  private void forward(Exchange ex, RouteMatch match, Decision decision, Buffer body) {
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
        .setHeaders(forwarding.upstreamHeaders(req.headers(), route, decision.clientId(), decision.subject(), ex.requestId, arrival(ex)))
        .setConnectTimeout(settings.upstreamTimeout().toMillis())
        .setIdleTimeout(settings.upstreamTimeout().toMillis());
    options.getHeaders().set("host", target.authority());
    if (forwardedBody != null) {
      // The length of the bytes sent, never one a caller declared (HTTP/2 carries the body in frames of its own).
      options.getHeaders().set("content-length", Integer.toString(forwardedBody.length()));
    }
    ex.trace.upstream(req.method().name(), target.host(), target.port(), target.tls(), options.getHeaders());
    ex.forwardStartNanos = System.nanoTime();

    upstreams.client(route).request(options).onComplete(opened -> {
      if (opened.failed()) {
        upstreamFailed(ex, route, decision, opened.cause());
        return;
      }
      HttpClientRequest up = opened.result();
      up.exceptionHandler(e -> { }); // failures arrive through the response future below
      up.response().onComplete(answered -> {
        if (answered.failed()) {
          upstreamFailed(ex, route, decision, answered.cause());
        } else {
          streamBack(ex, route, decision, answered.result());
        }
      });
      if (body != null) {
        up.end(forwardedBody);
      } else {
        streamBody(ex, route, up);
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
      answer.request().reset(); // the caller was already answered (e.g. 413 while streaming)
      return;
    }
    if (answer.statusCode() < 200) {
      // A final 1xx (101 Switching Protocols above all) would turn the caller's connection into a tunnel.
      answer.request().reset();
      upstreamFailed(ex, route, decision, new IllegalStateException("upstream answered " + answer.statusCode()));
      return;
    }
    ex.answered = true;
    HttpServerResponse resp = ex.req.response();
    resp.setStatusCode(answer.statusCode());
    Forwarding.copyResponseHeaders(answer.headers(), resp.headers());
    resp.headers().set(Forwarding.REQUEST_ID_HEADER, ex.requestId);
    rateLimitHeaders(resp.headers(), decision); // ours, not any the upstream sent
    if (!resp.headers().contains("content-length")) {
      resp.setChunked(true);
    }
    // Recorded when the upstream's status is known, before the caller sees any byte of the answer.
    record(ex, route, decision, "ok", answer.statusCode(), null);
    relay(ex, answer, resp);
  }

  /**
   * Streams the upstream's body to the caller with backpressure. An upstream that stalls for longer
   * than the upstream timeout mid-body is cut off, and so is the caller's connection: a truncated
   * body must never pass for a whole one.
   */
  private void relay(Exchange ex, HttpClientResponse answer, HttpServerResponse resp) {
    long timeout = settings.upstreamTimeout().toNanos();
    long[] lastData = {System.nanoTime()};
    long[] watchdog = {0};
    Runnable abort = () -> {
      vertx.cancelTimer(watchdog[0]);
      answer.request().reset();
      ClosingConnections.cut(ex.req);
      observe(ex);
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
      observe(ex);
    });
    answer.exceptionHandler(e -> abort.run());
    resp.closeHandler(v -> {
      if (!resp.ended()) {
        abort.run(); // the caller left: stop pulling from the upstream
      }
    });
  }

  /** Decision mode: the proxy that asked forwards the call itself, with these identity headers. */
  private void answerAllowed(Exchange ex, Route route, Decision decision) {
    ex.answered = true;
    HttpServerResponse resp = ex.req.response();
    resp.putHeader(Forwarding.REQUEST_ID_HEADER, ex.requestId).putHeader(Forwarding.TOOL_HEADER, route.name());
    if (decision.clientId() != null) {
      resp.putHeader(Forwarding.CLIENT_HEADER, decision.clientId());
    }
    if (decision.subject() != null) {
      resp.putHeader(Forwarding.USER_HEADER, decision.subject());
    }
    record(ex, route, decision, "ok", 200, null);
    if (!ex.req.isEnded()) {
      ClosingConnections.closeAfter(resp, ex.req.connection());
    }
    resp.setStatusCode(200).end();
    observe(ex);
  }

  /** Copies a body no check needed straight through, enforcing size and time limits on the way. */
  private void streamBody(Exchange ex, Route route, HttpClientRequest up) {
    HttpServerRequest req = ex.req;
    if (req.headers().contains("transfer-encoding")) {
      up.setChunked(true);
    }
    long[] seen = {0};
    long declared = RequestFraming.declaredLength(req);
    long deadline = bodyDeadline(ex, route, up);
    req.handler(chunk -> {
      seen[0] += chunk.length();
      if (seen[0] > settings.maxBodyBytes() || declared >= 0 && seen[0] > declared) {
        req.handler(null);
        // Answer first: the reset below fails the upstream exchange. A body longer than its Content-Length
        // (HTTP/2 frames a body apart from it) would reach an HTTP/1.1 upstream as a second request.
        refuse(ex, route, seen[0] > settings.maxBodyBytes() ? tooLarge() : lengthMismatch());
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
        refuse(ex, route, lengthMismatch());
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

  /** Buffers the body for a check that reads it, never more than the configured maximum. */
  private void readBody(Exchange ex, Route route, Handler<Buffer> then) {
    HttpServerRequest req = ex.req;
    long declared = RequestFraming.declaredLength(req);
    Buffer body = Buffer.buffer((int) Math.max(0, Math.min(declared, 64 * 1024)));
    long deadline = bodyDeadline(ex, route, null);
    req.handler(chunk -> {
      if (ex.answered) {
        return;
      }
      if (body.length() + chunk.length() > settings.maxBodyBytes()) {
        refuse(ex, route, tooLarge());
        return;
      }
      body.appendBuffer(chunk);
    });
    req.endHandler(v -> {
      vertx.cancelTimer(deadline);
      if (!ex.answered && declared >= 0 && body.length() != declared) {
        refuse(ex, route, lengthMismatch());
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

  private long bodyDeadline(Exchange ex, Route route, HttpClientRequest up) {
    return vertx.setTimer(BODY_READ_TIMEOUT.toMillis(), id -> {
      if (!ex.req.isEnded()) {
        if (ex.answered) {
          ClosingConnections.cut(ex.req); // answered already (say a 504): the rest of the body is not waited for either
        }
        refuse(ex, route, Decision.refuse(DenialCode.REQUEST_TIMEOUT, "the body did not arrive within " + BODY_READ_TIMEOUT.toSeconds() + " s"));
        if (up != null) {
          up.reset();
        }
      }
    });
  }

  private void upstreamFailed(Exchange ex, Route route, Decision decision, Throwable cause) {
    if (ex.answered) {
      if (!ex.req.response().ended()) {
        ClosingConnections.cut(ex.req);
      }
      return; // the caller already has an answer, and the audit its record
    }
    ex.answered = true;
    ex.upstreamDoneNanos = System.nanoTime();
    if (ex.clientGone) {
      record(ex, route, decision, "client_aborted", 499, "the caller went away before the call completed");
      observe(ex);
      return;
    }
    // Idle timeouts surface as TimeoutException or as a closed connection, depending on where they hit.
    // A certificate that does not verify is said so however long the handshake took.
    UpstreamTarget target = targets.get(route);
    boolean badCertificate = target.tls() && UpstreamCertificateFailures.isCertificateFailure(cause);
    boolean timeout = !badCertificate && (cause instanceof TimeoutException
        || System.nanoTime() - ex.forwardStartNanos >= settings.upstreamTimeout().toNanos());
    DenialCode code = timeout ? DenialCode.UPSTREAM_TIMEOUT : badCertificate ? DenialCode.UPSTREAM_CERTIFICATE_INVALID : DenialCode.UPSTREAM_UNREACHABLE;
    String detail = timeout
        ? "upstream of tool " + route.name() + " did not answer within " + settings.upstreamTimeout().toMillis() + " ms"
        : badCertificate ? "upstream of tool " + route.name() + " presented a TLS certificate that does not verify; the call was not forwarded"
        : "upstream of tool " + route.name() + " could not be reached or broke the exchange";
    if (badCertificate) {
      UpstreamCertificateFailures.warn(route.name(), target.host(), target.port(), cause);
    }
    record(ex, route, decision, code.code(), code.status(), detail);
    UpstreamFailureLog.failed(code, ex.requestId, route.name(), targets.get(route).authority(), cause);
    if (!ex.req.isEnded()) {
      // The caller is still sending a body nobody will read: close rather than keep reading it.
      ClosingConnections.closeAfter(ex.req.response(), ex.req.connection());
    }
    Problem.send(ex.req.response(), code, detail, ex.requestId, route.name(), List.of());
    observe(ex);
  }

  private void refuse(Exchange ex, Route route, Decision decision) {
    if (ex.answered) {
      return;
    }
    ex.answered = true;
    HttpServerRequest req = ex.req;
    if (!req.isEnded()) {
      // The body was not read: close rather than drain it (it may be large, or never end).
      ClosingConnections.closeAfter(req.response(), req.connection());
    }
    record(ex, route, decision, decision.code().code(), decision.code().status(), decision.detail());
    Problem.send(req.response(), decision.code(), decision.detail(), ex.requestId, route == null ? null : route.name(), decision.challenges(),
        decisionOnly);
    observe(ex);
  }

  private void record(Exchange ex, Route route, Decision decision, String code, int status, String detail) {
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
  private void observe(Exchange ex) {
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

  private static Decision lengthMismatch() {
    return Decision.refuse(DenialCode.BAD_REQUEST, "the body's length differs from its Content-Length");
  }

  private static Decision tooLarge() {
    return Decision.refuse(DenialCode.BODY_TOO_LARGE, "request body exceeds the configured maximum");
  }

  private static void expectContinue(HttpServerRequest req) {
    if ("100-continue".equalsIgnoreCase(req.getHeader("expect"))) {
      req.response().writeContinue();
    }
  }


  private static String peer(HttpServerRequest req) {
    return req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress();
  }

  private Forwarding.Arrival arrival(Exchange ex) {
    HttpServerRequest req = ex.req;
    return new Forwarding.Arrival(clientIp(ex), req.authority() == null ? null : req.authority().toString(),
        req.localAddress() == null ? 0 : req.localAddress().port(), req.isSSL());
  }

  /** The client's IP: the peer, or the address a trusted proxy forwarded the call for. Resolved once. */
  private String clientIp(Exchange ex) {
    if (ex.clientIp == null) {
      ex.clientIp = clientAddress.resolve(peer(ex.req), new VertxHeaders(ex.req.headers()));
    }
    return ex.clientIp;
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

  /** Per-request state the steps share; only touched on the request's event loop. */
  private static final class Exchange {
    final HttpServerRequest req;
    final String requestId;
    final long startNanos;
    boolean answered;
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

    Exchange(HttpServerRequest req, String requestId, long startNanos) {
      this.req = req;
      this.requestId = requestId;
      this.startNanos = startNanos;
      this.method = req.method().name();
      this.path = req.path();
      this.query = req.query();
    }
  }
}
