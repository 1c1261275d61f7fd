package dev.toolgate.server.admin;

import dev.toolgate.core.secret.SecretDigest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * Request and response plumbing shared by the admin endpoints.
 *
 * <p>Conventions every resource follows: times are RFC 3339 strings in UTC ({@code
 * 2026-12-07T16:48:47.123Z}) or null; a secret appears once, in the creation answer, in a field
 * named {@value #SECRET}; a single resource carries an {@code ETag}, and a change sent with {@code
 * If-Match} is made only if it still matches.
 */
public final class AdminJson {
  /** Admin request bodies are small JSON objects. */
  static final int MAX_BODY_BYTES = 16 * 1024;
  /** The one field a secret value is ever returned in (creation answers only). */
  public static final String SECRET = "secret";

  private AdminJson() {}

  static BodyHandler bodyHandler() {
    // Not merged into the query parameters: that decodes the query, and a broken one left the request unanswered.
    return BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES).setMergeFormAttributes(false);
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

  /** A list of strings; null if absent. */
  static List<String> strings(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray array) || array.stream().anyMatch(v -> !(v instanceof String))) {
      throw new IllegalArgumentException(field + " must be an array of strings");
    }
    return array.stream().map(String.class::cast).toList();
  }

  /** A boolean field; {@code otherwise} if absent. */
  static boolean bool(JsonObject body, String field, boolean otherwise) {
    Object value = body.getValue(field);
    if (value == null) {
      return otherwise;
    }
    if (!(value instanceof Boolean b)) {
      throw new IllegalArgumentException(field + " must be true or false");
    }
    return b;
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

  /** An RFC 3339 time field ({@code 2027-01-31T00:00:00Z}); null if absent. */
  static Instant time(JsonObject body, String field) {
    String text = string(body, field, false);
    return text == null ? null : time(field, text);
  }

  /** Parses an RFC 3339 time (with a zone or offset). */
  static Instant time(String field, String text) {
    try {
      java.time.OffsetDateTime parsed = java.time.OffsetDateTime.parse(text);
      if (parsed.getYear() < 1970 || parsed.getYear() > 9999) { // beyond: epoch milliseconds overflow, RFC 3339 has 4 digits
        throw new IllegalArgumentException(field + " must be after 1970 and before the year 10000");
      }
      return parsed.toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(field + " must be an RFC 3339 time such as 2027-01-31T00:00:00Z");
    }
  }

  /** How every admin resource writes a time: RFC 3339 in UTC, or null. */
  public static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  /** Epoch milliseconds, for the Sendbird-style platform API only. */
  static Object millis(Instant instant) {
    return instant == null ? null : instant.toEpochMilli();
  }

  /** A strong ETag of a resource's representation: it changes whenever anything shown changes. */
  public static String etag(JsonObject resource) {
    return "\"" + SecretDigest.of(resource.encode()).substring(0, 32) + "\"";
  }

  /**
   * Runs {@code work} on a worker thread (it may block on the store or hash passwords) and answers
   * with {@code status} and the JSON it returns, or with the problem its failure maps to.
   */
  static <T> void respond(RoutingContext ctx, int status, Callable<T> work, Function<T, ? extends Object> json) {
    answer(ctx, status, work, json, null, false);
  }

  /** Like {@link #respond}, with the resource's {@code ETag}: for a single resource someone may change next. */
  static <T> void respondTagged(RoutingContext ctx, Callable<T> work, Function<T, JsonObject> json) {
    answer(ctx, 200, work, json, null, true);
  }

  /**
   * 201 with {@code Location}: a creation. Under an {@code Idempotency-Key}, the answer (without
   * its {@value #SECRET}) is recorded for retries; a failure frees the key.
   */
  static <T> void created(RoutingContext ctx, Callable<T> work, Function<T, JsonObject> json, Function<T, String> location) {
    answer(ctx, 201, work, json, location, false);
  }

  private static <T> void answer(RoutingContext ctx, int status, Callable<T> work, Function<T, ? extends Object> json,
      Function<T, String> location, boolean tagged) {
    AdminProblems.requestId(ctx);
    AdminIdempotency.Reservation reservation = AdminIdempotency.reservation(ctx);
    record Answer(Object body, String location) {}
    Future<Answer> done = ctx.vertx().executeBlocking(() -> {
      try {
        T result = reservation == null ? work.call() : reservation.run(work);
        Object body = json.apply(result);
        String where = location == null ? null : location.apply(result);
        if (reservation != null && body instanceof JsonObject object) {
          JsonObject replayable = object.copy();
          replayable.remove(SECRET);
          reservation.complete(status, where, replayable.encode());
        }
        return new Answer(body, where);
      } catch (Exception | Error e) {
        if (reservation != null) {
          reservation.releaseQuietly();
        }
        throw e;
      }
    }, false);
    done.onComplete(result -> {
      if (result.failed()) {
        AdminProblems.fail(ctx, result.cause());
        return;
      }
      Answer answer = result.result();
      if (answer.location() != null) {
        ctx.response().putHeader("location", answer.location());
      }
      if (tagged && answer.body() instanceof JsonObject object) {
        ctx.response().putHeader("etag", etag(object));
      }
      ctx.response().setStatusCode(status)
          .putHeader("content-type", "application/json")
          .putHeader("cache-control", "no-store")
          .end(answer.body() instanceof JsonArray array ? array.toBuffer() : ((JsonObject) answer.body()).toBuffer());
    });
  }
}
