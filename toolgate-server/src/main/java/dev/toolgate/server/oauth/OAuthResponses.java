package dev.toolgate.server.oauth;

import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.AuditSink;
import dev.toolgate.server.http.AuditedAnswer;
import dev.toolgate.server.http.LogBudget;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** JSON answers of the OAuth endpoints: never cached (RFC 6749 §5.1), errors in RFC 6749 §5.2 form. */
public final class OAuthResponses {
  public static final String NOT_KEPT = "the audit record of this request could not be kept, so its answer is withheld; retry later";
  private static final Logger LOG = LoggerFactory.getLogger(OAuthResponses.class);
  private static final LogBudget NOT_KEPT_LOGS = new LogBudget(1);

  private OAuthResponses() {}

  /**
   * Failure handler of the OAuth routes: a body over the limit is 413, other unreadable requests 400,
   * both {@code invalid_request}; anything thrown is a 500 {@code server_error}, logged once with the
   * request id.
   */
  static void failed(RoutingContext ctx) {
    failed(ctx, TokenEndpoint.MAX_FORM_BYTES);
  }

  /** As {@link #failed(RoutingContext)}, for an endpoint whose body limit is {@code maxBodyBytes}. */
  public static void failed(RoutingContext ctx, int maxBodyBytes) {
    if (ctx.response().headWritten()) {
      ctx.request().connection().close();
      return;
    }
    error(ctx.response(), failure(ctx, maxBodyBytes));
  }

  /**
   * As {@link #failed(RoutingContext, int)}, for an endpoint whose answers are audited: the refusal is
   * recorded and leaves once its record is kept, like the endpoint's other answers ({@link #afterRecord}).
   */
  public static Handler<RoutingContext> failedAudited(int maxBodyBytes, AuditSink audit, String configVersion) {
    return ctx -> {
      if (ctx.response().headWritten()) {
        ctx.request().connection().close();
        return;
      }
      OAuthError error = failure(ctx, maxBodyBytes);
      refused(ctx, audit, null, error, 0, configVersion);
    };
  }

  /**
   * Records a refusal of an audited endpoint (the client, if known), then answers it once the record
   * is kept (see {@link #afterRecord}).
   */
  public static void refused(RoutingContext ctx, AuditSink audit, String clientId, OAuthError error, long latencyMicros, String configVersion) {
    afterRecord(ctx, audit, event(ctx, clientId, "deny", error.error(), error.status(), latencyMicros, error.description(), configVersion),
        () -> error(ctx.response(), error));
  }

  /** The audit record of an OAuth endpoint's answer: the peer's address, no tool, no credential ids. */
  public static AuditEvent event(RoutingContext ctx, String clientId, String decision, String code, int status, long latencyMicros,
      String detail, String configVersion) {
    HttpServerRequest req = ctx.request();
    return new AuditEvent(Instant.now(), RequestId.of(ctx), req.method().name(), req.path(),
        req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress(), null, clientId, List.of(), decision, code, status,
        latencyMicros, detail, List.of(), configVersion);
  }

  /** The error answering a failed route: 413 or 400 {@code invalid_request}, else 500 {@code server_error} (logged once). */
  private static OAuthError failure(RoutingContext ctx, int maxBodyBytes) {
    String requestId = RequestId.of(ctx);
    int status = ctx.statusCode();
    if (status == 413) {
      return new OAuthError(413, "invalid_request", "the request body is larger than " + maxBodyBytes + " bytes", false);
    } else if (status >= 400 && status < 500) {
      return OAuthError.invalidRequest("the request could not be read");
    }
    LOG.error("OAuth endpoint {} failed (request {})", ctx.request().path(), requestId, ctx.failure());
    return new OAuthError(500, "server_error", "internal error; see the server log", false);
  }

  /**
   * Records {@code event}, then runs {@code answer} once the record is kept (see {@link AuditedAnswer});
   * a record that cannot be kept turns the answer into 503 {@code temporarily_unavailable}: no answer
   * leaves without its record. What {@code answer} would have stored is stored already (a token issued,
   * a client registered): the caller is told to retry, as after any 503.
   */
  public static void afterRecord(RoutingContext ctx, AuditSink audit, AuditEvent event, Runnable answer) {
    AuditedAnswer.whenKept(ctx.vertx(), audit.recordBeforeAnswer(event), AuditedAnswer.ENDPOINT_WAIT, answer, why -> {
      long left = NOT_KEPT_LOGS.take();
      if (left >= 0) {
        LOG.warn("OAuth request {} to {} answered 503: its audit record was {}{}", event.requestId(), event.path(), why,
            left > 0 ? " (" + left + " more such requests not logged)" : "");
      }
      if (!ctx.response().ended() && !ctx.response().closed() && !ctx.response().headWritten()) {
        error(ctx.response(), OAuthError.temporarilyUnavailable(NOT_KEPT));
      }
    });
  }

  public static void json(HttpServerResponse response, int status, JsonObject body) {
    response.setStatusCode(status)
        .putHeader("content-type", "application/json")
        .putHeader("cache-control", "no-store")
        .putHeader("pragma", "no-cache")
        .end(body.toBuffer());
  }

  /** The error; a 401 gets a challenge unless the caller put its own {@code WWW-Authenticate} already. */
  public static void error(HttpServerResponse response, OAuthError error) {
    if (error.status() == 401 && !response.headers().contains("www-authenticate")) {
      response.putHeader("www-authenticate", error.basicChallenge()
          ? "Basic realm=\"toolgate\", charset=\"UTF-8\""
          : "Bearer realm=\"toolgate\", error=\"invalid_client\"");
    }
    if (error.status() == 503 && !response.headers().contains("retry-after")) {
      response.putHeader("retry-after", "1"); // a dependency (Redis) is down for now: ask again shortly, not in a loop
    }
    JsonObject body = new JsonObject().put("error", error.error());
    if (error.description() != null) {
      body.put("error_description", error.description());
    }
    json(response, error.status(), body);
  }
}
