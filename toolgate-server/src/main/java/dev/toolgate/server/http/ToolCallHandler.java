package dev.toolgate.server.http;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.ServerSettings;
import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.engine.PolicyEngine;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.AuditSink;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.RequestPath;
import dev.toolgate.core.route.Route;
import dev.toolgate.core.route.RouteMatch;
import dev.toolgate.core.route.RouteTable;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * The gateway's request pipeline, top to bottom:
 * path → route → body (only when a signature needs it, bounded) → policy decision → audit →
 * forward and stream back, or refuse with problem+json.
 */
final class ToolCallHandler implements Handler<HttpServerRequest> {
  private final RouteTable routes;
  private final Map<Route, UpstreamTarget> targets;
  private final PolicyEngine engine;
  private final AuditSink audit;
  private final HttpClient upstream;
  private final ServerSettings settings;

  ToolCallHandler(RouteTable routes, Map<Route, UpstreamTarget> targets, PolicyEngine engine, AuditSink audit, HttpClient upstream, ServerSettings settings) {
    this.routes = routes;
    this.targets = targets;
    this.engine = engine;
    this.audit = audit;
    this.upstream = upstream;
    this.settings = settings;
  }

  @Override
  public void handle(HttpServerRequest req) {
    req.pause(); // nothing is read until the policy says what it needs
    Exchange ex = new Exchange(req, RequestIds.next(), System.nanoTime());

    Optional<RequestPath> path = RequestPath.parse(req.path());
    if (path.isEmpty()) {
      refuse(ex, null, Decision.refuse(DenialCode.BAD_PATH, "path has dot segments, empty segments, encoded '/', '\\' or '.', or control characters"));
      return;
    }
    RouteTable.Lookup lookup = routes.lookup(req.method().name(), path.get());
    if (lookup instanceof RouteTable.WrongMethod wrong) {
      req.response().putHeader("allow", String.join(", ", wrong.allowed()));
      refuse(ex, null, Decision.refuse(DenialCode.METHOD_NOT_ALLOWED, req.method().name() + " is not accepted here; allowed: " + String.join(", ", wrong.allowed())));
      return;
    }
    if (!(lookup instanceof RouteTable.Found found)) {
      refuse(ex, null, Decision.refuse(DenialCode.ROUTE_NOT_FOUND, "no tool is declared for " + req.method().name() + " " + req.path()));
      return;
    }
    RouteMatch match = found.match();
    Route route = match.route();
    long declaredLength = declaredLength(req);
    if (declaredLength > settings.maxBodyBytes()) {
      refuse(ex, route, tooLarge());
      return;
    }

    if (route.tool().policy().requires(CredentialKind.SENDBIRD_SIGNATURE)) {
      readBody(ex, route, body -> decide(ex, match, path.get(), body));
    } else {
      decide(ex, match, path.get(), null);
    }
  }

  private void decide(Exchange ex, RouteMatch match, RequestPath path, Buffer body) {
    HttpServerRequest req = ex.req;
    ToolCall call = new ToolCall(ex.requestId, req.method().name(), path, req.query(), new VertxHeaders(req.headers()),
        body == null ? null : body.getBytes(), peer(req));
    Decision decision = engine.decide(call, match.route());
    if (decision.allowed()) {
      forward(ex, match, decision, body);
    } else {
      refuse(ex, match.route(), decision);
    }
  }

  private void forward(Exchange ex, RouteMatch match, Decision decision, Buffer body) {
    HttpServerRequest req = ex.req;
    Route route = match.route();
    UpstreamTarget target = targets.get(route);
    RequestOptions options = new RequestOptions()
        .setMethod(req.method())
        .setHost(target.host())
        .setPort(target.port())
        .setSsl(target.tls())
        .setURI(target.uri(match, req.path(), req.query()))
        .setHeaders(Forwarding.upstreamHeaders(req.headers(), route, decision.clientId(), ex.requestId, peer(req),
            req.authority() == null ? null : req.authority().toString(), req.isSSL()))
        .setConnectTimeout(settings.upstreamTimeout().toMillis())
        .setIdleTimeout(settings.upstreamTimeout().toMillis());
    options.getHeaders().set("host", target.authority());

    upstream.request(options).onComplete(opened -> {
      if (opened.failed()) {
        upstreamFailed(ex, route, decision, opened.cause());
        return;
      }
      HttpClientRequest up = opened.result();
      up.response().onComplete(answered -> {
        if (answered.failed()) {
          upstreamFailed(ex, route, decision, answered.cause());
        } else {
          streamBack(ex, route, decision, answered.result());
        }
      });
      if (body != null) {
        up.end(body);
      } else {
        streamBody(ex, route, decision, up);
      }
    });
  }

  private void streamBack(Exchange ex, Route route, Decision decision, HttpClientResponse answer) {
    HttpServerResponse resp = ex.req.response();
    resp.setStatusCode(answer.statusCode());
    Forwarding.copyResponseHeaders(answer.headers(), resp.headers());
    resp.headers().set(Forwarding.REQUEST_ID_HEADER, ex.requestId);
    if (!resp.headers().contains("content-length")) {
      resp.setChunked(true);
    }
    // Recorded when the upstream's status is known, before the caller sees any byte of the answer.
    record(ex, route, decision, "ok", answer.statusCode(), null);
    answer.pipeTo(resp).onFailure(e -> ex.req.connection().close()); // never let a truncated body pass for a whole one
  }

  /** Copies a body the policy did not need straight through, enforcing the size limit on the way. */
  private void streamBody(Exchange ex, Route route, Decision decision, HttpClientRequest up) {
    HttpServerRequest req = ex.req;
    if (req.headers().contains("transfer-encoding")) {
      up.setChunked(true);
    }
    long[] seen = {0};
    req.handler(chunk -> {
      seen[0] += chunk.length();
      if (seen[0] > settings.maxBodyBytes()) {
        req.handler(null);
        up.reset();
        if (!ex.answered) {
          refuse(ex, route, tooLarge());
        }
        return;
      }
      up.write(chunk);
      if (up.writeQueueFull()) {
        req.pause();
        up.drainHandler(v -> req.resume());
      }
    });
    req.endHandler(v -> up.end());
    req.exceptionHandler(e -> up.reset());
    expectContinue(req);
    req.resume();
  }

  /** Buffers the body for a signature check, never more than the configured maximum. */
  private void readBody(Exchange ex, Route route, Handler<Buffer> then) {
    HttpServerRequest req = ex.req;
    long declared = declaredLength(req);
    Buffer body = Buffer.buffer((int) Math.max(0, Math.min(declared, 64 * 1024)));
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
      if (!ex.answered) {
        then.handle(body);
      }
    });
    req.exceptionHandler(e -> ex.req.connection().close());
    expectContinue(req);
    req.resume();
  }

  private void upstreamFailed(Exchange ex, Route route, Decision decision, Throwable cause) {
    boolean timeout = cause instanceof TimeoutException;
    DenialCode code = timeout ? DenialCode.UPSTREAM_TIMEOUT : DenialCode.UPSTREAM_UNREACHABLE;
    String detail = timeout
        ? "upstream of tool " + route.name() + " did not answer within " + settings.upstreamTimeout().toMillis() + " ms"
        : "upstream of tool " + route.name() + " could not be reached";
    if (ex.answered || ex.req.response().headWritten()) {
      ex.req.connection().close();
      record(ex, route, decision, code.code(), code.status(), detail);
      return;
    }
    ex.answered = true;
    record(ex, route, decision, code.code(), code.status(), detail);
    Problem.send(ex.req.response(), code, detail, ex.requestId, route.name(), List.of());
  }

  private void refuse(Exchange ex, Route route, Decision decision) {
    if (ex.answered) {
      return;
    }
    ex.answered = true;
    HttpServerRequest req = ex.req;
    if (!req.isEnded()) {
      // The body was not read: close rather than drain it (it may be large, or never end).
      req.response().putHeader("connection", "close").endHandler(v -> req.connection().close());
    }
    record(ex, route, decision, decision.code().code(), decision.code().status(), decision.detail());
    Problem.send(req.response(), decision.code(), decision.detail(), ex.requestId, route == null ? null : route.name(), decision.challenges());

  }

  private void record(Exchange ex, Route route, Decision decision, String code, int status, String detail) {
    HttpServerRequest req = ex.req;
    audit.record(new AuditEvent(Instant.now(), ex.requestId, req.method().name(), req.path(), peer(req),
        route == null ? null : route.name(), decision.clientId(), decision.credentialIds(),
        decision.allowed() ? "allow" : "deny", code, status, (System.nanoTime() - ex.startNanos) / 1000, detail));
  }

  private static Decision tooLarge() {
    return Decision.refuse(DenialCode.BODY_TOO_LARGE, "request body exceeds the configured maximum");
  }

  private static void expectContinue(HttpServerRequest req) {
    if ("100-continue".equalsIgnoreCase(req.getHeader("expect"))) {
      req.response().writeContinue();
    }
  }

  private static long declaredLength(HttpServerRequest req) {
    String value = req.getHeader("content-length");
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE; // Netty would reject it anyway; never trust it as small
    }
  }

  private static String peer(HttpServerRequest req) {
    return req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress();
  }

  /** Per-request state the steps share. */
  private static final class Exchange {
    final HttpServerRequest req;
    final String requestId;
    final long startNanos;
    boolean answered;

    Exchange(HttpServerRequest req, String requestId, long startNanos) {
      this.req = req;
      this.requestId = requestId;
      this.startNanos = startNanos;
    }
  }
}
