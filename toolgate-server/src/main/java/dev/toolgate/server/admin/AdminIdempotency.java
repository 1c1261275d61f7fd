package dev.toolgate.server.admin;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Idempotency-Key} on admin creations: a retry with the same key and the same request is
 * answered as the first was (with {@code Idempotent-Replayed: true}, and without the secret, which
 * is shown once); the same key on another request is 422; a retry while the first still runs is 409,
 * and so is one whose first request changed the store but died before its answer was recorded (the
 * key is marked in the same transaction as the change, so it is never carried out twice).
 * Without the header a creation simply runs. Keys are per admin token and kept 24 hours.
 */
final class AdminIdempotency implements Handler<RoutingContext> {
  static final String HEADER = "idempotency-key";
  /** What Stripe and the IETF draft allow in practice: visible ASCII, at most 255 characters. */
  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
  private static final String RESERVATION_KEY = "toolgate.admin.idempotency";
  private static final Logger LOG = LoggerFactory.getLogger(AdminIdempotency.class);

  /** A key reserved for this request: record its answer, or free the key if it failed. */
  record Reservation(IdempotencyKeys keys, String tokenId, String key) {
    /** Runs the request's work so that each of its store writes marks the key carried out with it. */
    <T> T run(java.util.concurrent.Callable<T> work) throws Exception {
      return dev.toolgate.server.store.Jdbc.alsoInEachWrite(keys.markCarriedOut(tokenId, key), work);
    }

    void complete(int status, String location, String response) {
      keys.complete(tokenId, key, status, location, response);
    }

    void releaseQuietly() {
      try {
        keys.release(tokenId, key);
      } catch (RuntimeException e) {
        LOG.warn("could not free idempotency key after a failed request (a retry gets 409 for a minute): {}", e.getMessage());
      }
    }
  }

  private final IdempotencyKeys keys;

  AdminIdempotency(IdempotencyKeys keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  static Reservation reservation(RoutingContext ctx) {
    return ctx.get(RESERVATION_KEY);
  }

  @Override
  public void handle(RoutingContext ctx) {
    List<String> sent = ctx.request().headers().getAll(HEADER);
    if (sent.isEmpty()) {
      ctx.next();
      return;
    }
    if (sent.size() > 1 || !KEY.matcher(sent.get(0)).matches()) {
      AdminProblems.send(ctx, AdminProblems.Code.INVALID_REQUEST,
          "Idempotency-Key must be sent once, as 1-255 visible ASCII characters (a UUID is a good choice)");
      return;
    }
    String key = sent.get(0);
    String tokenId = AdminAuth.caller(ctx).orElseThrow().id();
    String digest = requestDigest(ctx);
    ctx.vertx().executeBlocking(() -> keys.reserve(tokenId, key, digest), false).onComplete(result -> {
      if (result.failed()) {
        AdminProblems.fail(ctx, result.cause());
        return;
      }
      IdempotencyKeys.Outcome outcome = result.result();
      if (outcome instanceof IdempotencyKeys.Reserved) {
        ctx.put(RESERVATION_KEY, new Reservation(keys, tokenId, key));
        ctx.next();
      } else if (outcome instanceof IdempotencyKeys.Replay replay) {
        replay(ctx, replay);
      } else if (outcome instanceof IdempotencyKeys.CarriedOut) {
        AdminProblems.send(ctx, AdminProblems.Code.IDEMPOTENCY_KEY_IN_USE,
            "the request with this Idempotency-Key was carried out, but the server stopped before its answer was recorded;"
                + " look the change up instead of retrying (a new key would do it again)");
      } else if (outcome instanceof IdempotencyKeys.InFlight) {
        ctx.response().putHeader("retry-after", "1");
        AdminProblems.send(ctx, AdminProblems.Code.IDEMPOTENCY_KEY_IN_USE,
            "a request with this Idempotency-Key is still being processed; retry in a moment");
      } else {
        AdminProblems.send(ctx, AdminProblems.Code.IDEMPOTENCY_KEY_REUSED,
            "this Idempotency-Key was used for a different request (method, path, query or body); use a new key for a new request");
      }
    });
  }

  /**
   * What identifies the request: its method, path, query string and body, keyed with the secret that
   * authenticated it (the admin token of the one Authorization header AdminAuth let through, or a
   * console session's CSRF token). A plain hash of a body that holds a password or a given secret
   * would let anyone who reads the store (a backup) test guesses at hash speed, past the password
   * hasher; the store keeps neither secret, so it cannot recompute this. Retries with the same
   * credential give the same value, and keys are per admin token anyway.
   */
  static String requestDigest(RoutingContext ctx) {
    byte[] body = ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    String authorization = ctx.request().getHeader("authorization");
    String secret = authorization != null ? authorization : ctx.request().getHeader(BrowserSessions.CSRF_HEADER);
    String query = ctx.request().query();
    String target = ctx.request().path() + (query == null ? "" : "?" + query);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((ctx.request().method().name() + ' ' + target + '\n').getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }

  private static void replay(RoutingContext ctx, IdempotencyKeys.Replay replay) {
    AdminProblems.requestId(ctx);
    if (replay.location() != null) {
      ctx.response().putHeader("location", replay.location());
    }
    ctx.response().setStatusCode(replay.status())
        .putHeader("idempotent-replayed", "true")
        .putHeader("content-type", "application/json")
        .putHeader("cache-control", "no-store")
        .end(new JsonObject(replay.response()).toBuffer());
  }
}
