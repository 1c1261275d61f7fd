package dev.toolgate.server.http;

import dev.toolgate.core.config.ServerSettings;
import dev.toolgate.core.port.AuditSink;
import dev.toolgate.core.route.Route;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import dev.toolgate.server.tls.TransportSecurity;
import dev.toolgate.server.tls.UpstreamClients;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import dev.toolgate.core.decision.DenialCode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import dev.toolgate.core.route.RequestPath;
import dev.toolgate.server.observe.GatewayObservers;
import dev.toolgate.server.tracing.EndpointTracing;
import dev.toolgate.server.tracing.Tracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One event loop's HTTP server and upstream client. Several instances share the listening port;
 * the engine, routes and caches they use are shared and thread-safe. Each request is handled under
 * the {@link RunningConfig} current when it arrives: a reload swaps it between requests, and this
 * event loop builds its handlers for a new one at its first request.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  /** Keep-alive connections with no traffic for this long are closed. */
  static final java.time.Duration IDLE_CONNECTION_TIMEOUT = java.time.Duration.ofSeconds(120);
  /** All request headers together; larger ones get 431 from the HTTP codec. */
  static final int MAX_HEADER_BYTES = 128 * 1024;
  private final Supplier<RunningConfig> running;
  private final AuditSink audit;
  private final Readiness readiness;
  private final int port;
  private final GatewayObservers observers;
  private final Tracing tracing;
  private HttpServer server;
  private final TransportSecurity tls;
  private UpstreamClients clients;
  /** The handlers of one running configuration; touched only on this verticle's event loop. */
  private Handlers handlers;

  private record Handlers(RunningConfig config, ToolCallHandler tools, ToolCallHandler decisions, Router system) {}

  /** @param running the configuration in force now, read once per request */
  public GatewayVerticle(Supplier<RunningConfig> running, AuditSink audit, Readiness readiness, int port, GatewayObservers observers,
      Tracing tracing, TransportSecurity tls) {
    this.tracing = tracing;
    this.tls = tls;
    this.running = running;
    this.observers = observers;
    this.audit = audit;
    this.readiness = readiness;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    clients = new UpstreamClients(vertx, tls.upstreamCas());
    ServerSettings settings = running.get().settings(); // where to listen cannot change without a restart
    HttpServerOptions options = new HttpServerOptions()
        .setTcpNoDelay(true)
        // Every answer is written on the connection's own event loop (steps off it come back with
        // runOnContext), so responses are written to the channel directly instead of through
        // Vert.x's cross-thread outbound queue: the largest single gain of issue 11 (docs/benchmarks.md).
        // A write from another thread would now fail loudly rather than be queued.
        .setStrictThreadMode(true)
        // Plain HTTP is HTTP/1.1 only: h2c adds a second parser and frame-level attack surface nobody asked for.
        // Over TLS, HTTP/2 is offered by ALPN (server.tls).
        .setHttp2ClearTextEnabled(false)
        .setIdleTimeout((int) IDLE_CONNECTION_TIMEOUT.toSeconds())
        // Room for oversized tokens to reach the verifiers, which refuse them with a clear 401 (HTTP/2: the same room).
        .setMaxHeaderSize(MAX_HEADER_BYTES)
        .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(HttpServerOptions.DEFAULT_INITIAL_SETTINGS_MAX_CONCURRENT_STREAMS)
            .setMaxHeaderListSize(MAX_HEADER_BYTES))
        .setHandle100ContinueAutomatically(false)
        .setCompressionSupported(false);
    if (tls.listener() != null) {
      tls.listener().configure(options);
    }
    server = vertx.createHttpServer(options);
    server.connectionHandler(connection -> {
      observers.connections().opened(connection);
      RequestHeadDeadline.install(connection, running.get().settings().requestHeadTimeout());
      IdleGuard.install(connection);
    });
    server.requestHandler(this::route);
    server.invalidRequestHandler(MalformedRequests::answer);
    // Failed TLS handshakes (a port scan, a client that trusts another CA, TLS 1.1) are the caller's business: no log line each.
    server.exceptionHandler(e -> LOG.debug("connection failed before a request: {}", e.toString()));
    return server.listen(port, settings.host()).onSuccess(s -> {
      if (tls.listener() != null) {
        tls.listener().serving(s);
      }
    });
  }

  /** The handlers of the configuration in force now, built on first use after a reload. */
  private Handlers handlers() {
    RunningConfig now = running.get();
    Handlers current = handlers;
    if (current == null || current.config() != now) {
      Map<Route, UpstreamTarget> targets = new HashMap<>();
      for (Route route : now.routes().routes()) {
        targets.put(route, UpstreamTarget.of(route.tool().upstream()));
      }
      current = new Handlers(now, new ToolCallHandler(vertx, false, now, targets, audit, clients, observers.calls(), tracing,
          tls.clientCertificates()),
          new ToolCallHandler(vertx, true, now, targets, audit, clients, observers.calls(), tracing,
          tls.clientCertificates()), systemRouter(now.endpoints()));
      handlers = current;
    }
    return current;
  }

  private void route(HttpServerRequest req) {
    if (ClosingConnections.isClosing(req.connection())) {
      return; // pipelined behind an answer that closes this connection: never processed (RFC 9112 §9.6)
    }
    Handlers h = handlers();
    String path = req.path();
    if (path.equals(DecisionTarget.PREFIX) || path.startsWith(DecisionTarget.PREFIX + "/")) {
      h.decisions().handle(req);
    } else if (!HealthAnswers.isHealthPath(path) && SYSTEM_PREFIXES.stream().noneMatch(path::startsWith) && !isConsole(path)) {
      h.tools().handle(req); // the pipeline makes the same checks as below, and records them
    } else if (!refusedBeforeRouting(req)) {
      serveOwn(req, h.system());
    }
  }

  private void serveOwn(HttpServerRequest req, Router system) {
    if (HealthAnswers.isHealthPath(req.path())) {
      HealthAnswers.answer(req.path(), req.response(), readiness);
    } else {
      system.handle(req);
    }
  }

  /**
   * Toolgate's own endpoints get the framing and path rules of tool calls before vertx-web reads
   * anything: its own decoding of a broken escape in a path ends in a bare 400 and a stack trace in
   * the log. (The endpoints that read the query decode it strictly themselves.)
   */
  private static boolean refusedBeforeRouting(HttpServerRequest req) {
    String framing = RequestFraming.problem(req);
    boolean console = isConsole(req.path());
    if (framing == null && RequestPath.parse(console ? withoutTrailingSlash(req.path()) : req.path()).isPresent()) {
      return false;
    }
    if (!req.isEnded()) {
      // The body is not read (its framing may be in doubt): close rather than drain it.
      ClosingConnections.closeAfterAnswer(req);
    }
    if (framing != null) {
      Problem.send(req.response(), DenialCode.BAD_REQUEST, framing, RequestIds.next(), null, List.of());
    } else if (console) {
      NoEndpoint.answer(req); // the console serves files by exact name: a dot segment or an encoded dot names none of them
    } else {
      Problem.send(req.response(), DenialCode.BAD_PATH, RequestPath.REFUSAL, RequestIds.next(), null, List.of());
    }
    return true;
  }

  /** Toolgate's own endpoints; config validation keeps tools off these prefixes. */
  private static final List<String> SYSTEM_PREFIXES = List.of("/oauth/", "/.well-known/", "/auth/", "/admin/", "/metrics");
  /** The web console's pages ({@code /console} redirects to {@code /console/}); reserved like the prefixes above. */
  private static final String CONSOLE = "/console";

  private static boolean isConsole(String path) {
    return path.startsWith(CONSOLE) && (path.length() == CONSOLE.length() || path.charAt(CONSOLE.length()) == '/');
  }

  /** The console's index is {@code /console/}: its one trailing slash is no empty segment to refuse. */
  private static String withoutTrailingSlash(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private Router systemRouter(List<Endpoint> endpoints) {
    Router router = Router.router(vertx);
    EndpointTracing.mount(router, tracing); // before the endpoints; nothing when tracing is off
    for (Endpoint endpoint : endpoints) {
      endpoint.mount(router);
    }
    router.route().last()
        .handler(NoEndpoint::answer)
        .failureHandler(GatewayVerticle::failed);
    router.errorHandler(500, GatewayVerticle::failed);
    return router;
  }

  /**
   * Failures no endpoint answered in its own format: problem+json, never vertx-web's bare text. Bad
   * input is not logged; a 500 is a bug, logged once with its request id.
   */
  private static void failed(RoutingContext ctx) {
    if (ctx.response().headWritten()) {
      ClosingConnections.cut(ctx.request());
      return;
    }
    String requestId = RequestIds.next();
    int status = ctx.statusCode();
    if (status == 413) {
      Problem.send(ctx.response(), DenialCode.BODY_TOO_LARGE, "the request body is larger than this endpoint accepts", requestId, null, List.of());
    } else if (status >= 400 && status < 500) {
      Problem.send(ctx.response(), DenialCode.BAD_REQUEST, "the request could not be read", requestId, null, List.of());
    } else {
      LOG.error("endpoint {} {} failed (request {})", ctx.request().method(), ctx.request().path(), requestId, ctx.failure());
      Problem.send(ctx.response(), DenialCode.INTERNAL_ERROR, "internal error; see the server log", requestId, null, List.of());
    }
  }

  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    // shutdown() stops accepting, lets in-flight exchanges finish (up to the grace period), then closes.
    return server.shutdown(running.get().settings().shutdownGrace()).eventually(() -> clients.close());
  }
}
