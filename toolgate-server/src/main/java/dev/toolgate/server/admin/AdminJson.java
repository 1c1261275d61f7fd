package dev.toolgate.server.admin;

import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** Request and response plumbing shared by the admin endpoints. */
final class AdminJson {
  /** Admin request bodies are small JSON objects. */
  static final int MAX_BODY_BYTES = 16 * 1024;

  private AdminJson() {}

  static BodyHandler bodyHandler() {
    // Not merged into the query parameters: that decodes the query, and a broken one left the request unanswered.
    return BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES).setMergeFormAttributes(false);
  }

  /** The body as a JSON object; an empty body is an empty object. */
  static JsonObject body(RoutingContext ctx) {
    String text = ctx.body() == null ? null : ctx.body().asString();
    if (text == null || text.isBlank()) {
      return new JsonObject();
    }
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.decodeValue(text);
    } catch (DecodeException e) {
      throw new IllegalArgumentException("the body is not valid JSON");
    }
    if (!(parsed instanceof JsonObject object)) {
      throw new IllegalArgumentException("the body must be a JSON object");
    }
    return object;
  }

  /** A string field; null if absent and not required. */
  static String string(JsonObject body, String field, boolean required) {
    Object value = body.getValue(field);
    if (value == null) {
      if (required) {
        throw new IllegalArgumentException(field + " is required");
      }
      return null;
    }
    if (!(value instanceof String s)) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return s;
  }

  /** An integer field (epoch milliseconds and the like); null if absent. */
  static Long integer(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    throw new IllegalArgumentException(field + " must be an integer (epoch milliseconds)");
  }

  static Object millis(Instant instant) {
    return instant == null ? null : instant.toEpochMilli();
  }

  /**
   * Runs {@code work} on a worker thread (it may block on the store or hash passwords) and answers
   * with {@code status} and the JSON it returns, or with the problem its failure maps to.
   */
  static <T> void respond(RoutingContext ctx, int status, Callable<T> work, Function<T, Object> json) {
    AdminProblems.requestId(ctx);
    Future<T> done = ctx.vertx().executeBlocking(work, false);
    done.onComplete(result -> {
      if (result.failed()) {
        AdminProblems.fail(ctx, result.cause());
        return;
      }
      Object body = json.apply(result.result());
      ctx.response().setStatusCode(status)
          .putHeader("content-type", "application/json")
          .putHeader("cache-control", "no-store")
          .end(body instanceof JsonArray array ? array.toBuffer() : ((JsonObject) body).toBuffer());
    });
  }
}
