package dev.toolgate.server.admin;

import dev.toolgate.core.secret.SecretDigest;
import dev.toolgate.server.http.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every {@code /admin/*} request: {@code Authorization: Bearer tga_…}, an admin token
 * from {@code toolgate admin-token create}.
 *
 * <p>The event loop never waits for the database: the active tokens (few, by digest) are held in an
 * in-memory snapshot reloaded on a worker thread every {@link #REFRESH_INTERVAL}, so a token revoked
 * by the CLI in another process is refused within about a second. Expiry is checked against the
 * clock on every request. If the snapshot cannot be refreshed for {@link #STALE_AFTER} (store down),
 * admin requests get 503, not 401 and not a stale yes.
 *
 * <p>Every request does the same work whatever is wrong with it (missing header, wrong scheme,
 * unknown, revoked or expired token): one SHA-256 of what was presented (of nothing if nothing
 * was), one map lookup, one expiry check; and every refusal is the same 401 {@code admin_token_invalid}
 * with {@code WWW-Authenticate: Bearer realm="toolgate-admin"}.
 *
 * <p>Mounted as an {@link Endpoint}, it guards every route under {@code /admin/} whatever order
 * endpoints are mounted in, before any body is read. Admin endpoints also put it on each of their
 * own routes (after their body handler, as Vert.x requires; bodies are at most 16 KiB), so they
 * cannot be mounted unguarded. Running twice on one request is a no-op the second time.
 */
public final class AdminAuth implements Endpoint, Handler<RoutingContext> {
  public static final String REALM = "toolgate-admin";
  public static final Duration REFRESH_INTERVAL = Duration.ofSeconds(1);
  public static final Duration STALE_AFTER = Duration.ofSeconds(10);
  /** Routes are tried in order; this runs before any route a feature mounts under /admin/. */
  static final int ROUTE_ORDER = -1_000_000;
  private static final int MAX_TOKEN_CHARS = 512;
  private static final String CALLER_KEY = "toolgate.admin_token";
  private static final Logger LOG = LoggerFactory.getLogger(AdminAuth.class);

  private record Snapshot(Map<String, AdminToken> byDigest, long loadedAtNanos) {}

  private final AdminTokenStore store;
  private final Clock clock;
  private final Map<String, Instant> lastUsed = new ConcurrentHashMap<>();
  private final AtomicReference<Future<Void>> refreshing = new AtomicReference<>();
  private volatile Snapshot snapshot;
  private volatile Vertx vertx;
  private volatile long timerId = -1;

  public AdminAuth(AdminTokenStore store, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Loads the tokens, then keeps reloading them every second; completes after the first load. */
  public Future<Void> start(Vertx vertx) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    Future<Void> first = refresh();
    timerId = vertx.setPeriodic(REFRESH_INTERVAL.toMillis(), id -> refresh());
    return first;
  }

  /** Stops reloading and writes the last-used times still pending. */
  public Future<Void> stop() {
    Vertx v = vertx;
    if (v == null) {
      return Future.succeededFuture();
    }
    if (timerId >= 0) {
      v.cancelTimer(timerId);
    }
    return v.executeBlocking(() -> {
      try {
        flushLastUsed();
      } catch (RuntimeException e) {
        LOG.warn("could not record admin token last-used times: {}", e.getMessage());
      }
      return null;
    }, false);
  }

  /**
   * Writes pending last-used times and reloads the active tokens now, on a worker thread (for
   * in-process changes and tests; the timer does this every second). Concurrent calls share one load.
   */
  public Future<Void> refresh() {
    Vertx v = vertx;
    if (v == null) {
      return Future.failedFuture(new IllegalStateException("AdminAuth is not started"));
    }
    Promise<Void> promise = Promise.promise();
    Future<Void> mine = promise.future();
    Future<Void> running = refreshing.compareAndExchange(null, mine);
    if (running != null) {
      return running;
    }
    v.<Void>executeBlocking(() -> {
      try {
        flushLastUsed();
      } catch (RuntimeException e) {
        LOG.warn("could not record admin token last-used times: {}", e.getMessage()); // informational only
      }
      Map<String, AdminToken> byDigest = new HashMap<>();
      for (AdminToken token : store.active()) {
        byDigest.put(token.digest(), token);
      }
      snapshot = new Snapshot(Map.copyOf(byDigest), System.nanoTime());
      return null;
    }, false).onComplete(done -> {
      refreshing.set(null);
      if (done.failed()) {
        LOG.warn("could not reload admin tokens: {}", done.cause().getMessage());
      }
      promise.handle(done);
    });
    return mine;
  }

  private void flushLastUsed() {
    if (lastUsed.isEmpty()) {
      return;
    }
    Map<String, Instant> batch = new HashMap<>();
    for (String id : List.copyOf(lastUsed.keySet())) {
      Instant at = lastUsed.remove(id);
      if (at != null) {
        batch.put(id, at);
      }
    }
    store.touchLastUsed(batch);
  }

  @Override
  public void mount(Router router) {
    router.route("/admin/*").order(ROUTE_ORDER).handler(this);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.get(CALLER_KEY) != null) {
      ctx.next();
      return;
    }
    AdminProblems.requestId(ctx);
    String presented = bearerToken(ctx);
    String digest = SecretDigest.of(presented == null ? "" : presented);
    Snapshot current = snapshot;
    AdminToken token = current == null ? null : current.byDigest().get(digest);
    Instant now = clock.instant();
    boolean valid = presented != null && token != null && token.activeAt(now);
    if (current == null || System.nanoTime() - current.loadedAtNanos() > STALE_AFTER.toNanos()) {
      ctx.response().putHeader("retry-after", "5");
      AdminProblems.send(ctx, AdminProblems.Code.UNAVAILABLE, "admin tokens cannot be loaded from the store; see the server log");
      return;
    }
    if (!valid) {
      ctx.response().putHeader("www-authenticate", presented == null && !ctx.request().headers().contains("authorization")
          ? "Bearer realm=\"" + REALM + "\""
          : "Bearer realm=\"" + REALM + "\", error=\"invalid_token\"");
      AdminProblems.send(ctx, AdminProblems.Code.ADMIN_TOKEN_INVALID,
          ctx.request().headers().contains("authorization")
              ? "the admin token is unknown, revoked or expired, or not sent as Authorization: Bearer tga_..."
              : "send an admin token as Authorization: Bearer tga_... (create one with: toolgate admin-token create --name NAME)");
      return;
    }
    ctx.put(CALLER_KEY, token);
    lastUsed.merge(token.id(), now, (a, b) -> a.isAfter(b) ? a : b);
    ctx.next();
  }

  /** The admin token that authenticated this request, once {@link AdminAuth} has let it through. */
  public static Optional<AdminToken> caller(RoutingContext ctx) {
    return Optional.ofNullable(ctx.get(CALLER_KEY));
  }

  /** The bearer token of the one Authorization header, or null (absent, repeated, other scheme, too long). */
  private static String bearerToken(RoutingContext ctx) {
    List<String> headers = ctx.request().headers().getAll("authorization");
    if (headers.size() != 1) {
      return null;
    }
    String header = headers.get(0);
    if (header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = header.substring(7).strip();
    return token.isEmpty() || token.length() > MAX_TOKEN_CHARS ? null : token;
  }
}
