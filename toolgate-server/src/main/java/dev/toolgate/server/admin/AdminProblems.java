package dev.toolgate.server.admin;

import dev.toolgate.server.http.RequestIds;
import dev.toolgate.server.store.MasterKeyException;
import dev.toolgate.server.store.NotFoundException;
import dev.toolgate.server.store.StoreConflictException;
import dev.toolgate.server.store.StoreException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 9457 {@code application/problem+json} answers of the admin API, in the gateway's shape:
 * {@code type}, {@code title}, {@code status}, {@code code}, {@code detail}, {@code request_id}.
 * Details never carry secret values.
 */
public final class AdminProblems {
  public static final String TYPE_BASE = "https://toolgate.dev/problems/";
  static final String REQUEST_ID_KEY = "toolgate.request_id";
  private static final Logger LOG = LoggerFactory.getLogger(AdminProblems.class);

  /** The admin API's problem codes. Stable: clients match on them. */
  public enum Code {
    INVALID_REQUEST(400, "invalid_request", "Request is invalid"),
    ADMIN_TOKEN_INVALID(401, "admin_token_invalid", "Admin token is missing or invalid"),
    /** The token is valid, but its role does not allow this request. */
    ADMIN_ROLE_FORBIDDEN(403, "admin_role_forbidden", "The admin token's role does not allow this"),
    /**
     * A web console session's request without its CSRF token (or with another), or a change sent
     * from another origin: the session cookie alone never authenticates.
     */
    CSRF_TOKEN_INVALID(403, "csrf_token_invalid", "The console session's CSRF token is missing or wrong"),
    NOT_FOUND(404, "not_found", "No such resource"),
    /** A known admin path asked with a method it does not take; {@code Allow} lists those it does. */
    METHOD_NOT_ALLOWED(405, "method_not_allowed", "Method not allowed"),
    CONFLICT(409, "conflict", "Request conflicts with what is stored"),
    /** Still running ({@code Retry-After: 1}), or carried out with its answer lost to a crash (no {@code Retry-After}: look it up). */
    IDEMPOTENCY_KEY_IN_USE(409, "idempotency_key_in_use", "A request with this Idempotency-Key is still running or was already carried out"),
    PRECONDITION_FAILED(412, "precondition_failed", "The resource changed since it was read"),
    BODY_TOO_LARGE(413, "body_too_large", "Request body is too large"),
    IDEMPOTENCY_KEY_REUSED(422, "idempotency_key_reused", "Idempotency-Key was used for another request"),
    /** A reload read a configuration file that is invalid or changes what only a restart applies; the old one serves on. */
    CONFIG_REFUSED(422, "config_refused", "The configuration file was refused"),
    INTERNAL_ERROR(500, "internal_error", "Internal error"),
    /** The store did not answer (in time): nothing was changed; retry after {@code Retry-After}. */
    STORE_UNAVAILABLE(503, "store_unavailable", "The store cannot be reached"),
    UNAVAILABLE(503, "unavailable", "Toolgate cannot answer now");

    private final int status;
    private final String code;
    private final String title;

    Code(int status, String code, String title) {
      this.status = status;
      this.code = code;
      this.title = title;
    }

    public int status() { return status; }
    public String code() { return code; }
    public String title() { return title; }
  }

  private AdminProblems() {}

  /** Ends the response with this problem (unless something was already sent). */
  public static void send(RoutingContext ctx, Code code, String detail) {
    send(ctx, code, detail, new JsonObject());
  }

  /** The same, with members of its own (RFC 9457 §3.2 extensions) after the standard ones. */
  public static void send(RoutingContext ctx, Code code, String detail, JsonObject extensions) {
    if (ctx.response().headWritten()) {
      return;
    }
    JsonObject body = new JsonObject()
        .put("type", TYPE_BASE + code.code())
        .put("title", code.title())
        .put("status", code.status())
        .put("code", code.code())
        .put("detail", detail)
        .put("request_id", requestId(ctx));
    extensions.forEach(member -> body.put(member.getKey(), member.getValue()));
    ctx.response()
        .setStatusCode(code.status())
        .putHeader("content-type", "application/problem+json")
        .putHeader("cache-control", "no-store")
        .end(body.toBuffer());
  }

  /**
   * Answers a failed unit of work: bad input 400, unknown id 404, conflict 409, store failure 503
   * {@code store_unavailable} with {@code Retry-After}, master key failure 503 {@code unavailable}
   * (dependencies, never 401/404), anything else 500 with the cause in the log only.
   */
  public static void fail(RoutingContext ctx, Throwable failure) {
    if (failure instanceof IllegalArgumentException) {
      send(ctx, Code.INVALID_REQUEST, failure.getMessage());
    } else if (failure instanceof NotFoundException) {
      send(ctx, Code.NOT_FOUND, failure.getMessage());
    } else if (failure instanceof IfMatch.PreconditionFailedException) {
      send(ctx, Code.PRECONDITION_FAILED, failure.getMessage());
    } else if (failure instanceof StoreConflictException) {
      send(ctx, Code.CONFLICT, failure.getMessage());
    } else if (failure instanceof StoreException) {
      LOG.warn("admin request {} {} failed (request {}): {}", ctx.request().method(), ctx.request().path(), requestId(ctx), failure.getMessage());
      storeUnavailable(ctx, "the store cannot be reached now, so nothing was changed; retry later (see the server log)");
    } else if (failure instanceof MasterKeyException) {
      LOG.error("admin request {} {} failed (request {}): {}", ctx.request().method(), ctx.request().path(), requestId(ctx), failure.getMessage());
      send(ctx, Code.UNAVAILABLE, "the master key cannot open what is stored; see the server log");
    } else {
      LOG.error("admin request {} {} failed (request {})", ctx.request().method(), ctx.request().path(), requestId(ctx), failure);
      send(ctx, Code.INTERNAL_ERROR, "internal error; see the server log");
    }
  }

  /** 503 {@code store_unavailable} with {@code Retry-After}: the store did not answer. */
  public static void storeUnavailable(RoutingContext ctx, String detail) {
    if (!ctx.response().headWritten()) {
      ctx.response().putHeader("retry-after", RETRY_AFTER_SECONDS);
    }
    send(ctx, Code.STORE_UNAVAILABLE, detail);
  }

  /** Seconds a client should wait before retrying after the store failed: about one poll and one connection timeout. */
  static final String RETRY_AFTER_SECONDS = "5";

  /** Failure handler for admin routes: oversized or unreadable bodies, and anything thrown. */
  public static void failed(RoutingContext ctx) {
    int status = ctx.statusCode();
    if (status == 413) {
      send(ctx, Code.BODY_TOO_LARGE, "the request body is larger than " + AdminJson.MAX_BODY_BYTES + " bytes");
    } else if (status >= 400 && status < 500) {
      send(ctx, Code.INVALID_REQUEST, "the request could not be read");
    } else {
      fail(ctx, ctx.failure() == null ? new IllegalStateException("status " + status) : ctx.failure());
    }
  }

  /** This request's id: made once, echoed in {@code x-request-id} and in every problem body. */
  public static String requestId(RoutingContext ctx) {
    String id = ctx.get(REQUEST_ID_KEY);
    if (id == null) {
      id = RequestIds.next();
      ctx.put(REQUEST_ID_KEY, id);
    }
    if (!ctx.response().headWritten() && !ctx.response().headers().contains("x-request-id")) {
      ctx.response().putHeader("x-request-id", id);
    }
    return id;
  }
}
