package dev.toolgate.server.admin;

import dev.toolgate.core.secret.SecretDigest;
import dev.toolgate.server.http.Endpoint;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every {@code /admin/*} request: {@code Authorization: Bearer tga_…}, an admin token
 * from {@code toolgate admin-token create}; or, from the web console, its session cookie together
 * with the session's CSRF token ({@link BrowserSessions}: the admin token behind the session must
 * still be active, and its role applies). A request that sends an Authorization header is judged
 * on it alone.
 *
 * <p>The event loop never waits for the database: the tokens (few, by digest; revoked and expired
 * ones too, so that they are refused without a load) are held in an in-memory snapshot reloaded on
 * a worker thread every {@link #REFRESH_INTERVAL}, so a token revoked by the CLI in another process
 * is refused within about a second; on PostgreSQL the store announces every change and {@link
 * #reload()} makes it effective at once. Expiry is checked against the clock on every request. If
 * the snapshot cannot be refreshed for ten refresh intervals (store down), admin requests get 503
 * {@code store_unavailable}, not 401 and not a stale yes.
 *
 * <p>A token just created by the CLI in another process may not be in the snapshot yet, and scripts
 * use it at once. So a well-formed {@code tga_} token the snapshot does not know is decided on a
 * load that started after the request arrived (the request waits, paused, off the event loop's
 * way). Such loads are shared by every request waiting for one and start at most every {@link
 * #ON_DEMAND_SPACING}, so a flood of made-up tokens costs the store at most a few small reads a
 * second, whatever its rate. Anything else unknown (malformed, absent) is refused at once.
 *
 * <p>Otherwise every request does the same work whatever is wrong with it (missing header, wrong scheme,
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
  /** A snapshot not refreshed for this many refresh intervals is too old to decide on. */
  static final int STALE_AFTER_INTERVALS = 10;
  /** Loads made for tokens the snapshot does not know start at most this often. */
  public static final Duration ON_DEMAND_SPACING = Duration.ofMillis(250);
  /** What {@code toolgate admin-token create} makes: the prefix and base64url of 32 random bytes. */
  private static final Pattern WELL_FORMED = Pattern.compile(Pattern.quote(AdminTokenStore.PREFIX) + "[A-Za-z0-9_-]{43}");
  /** Routes are tried in order; this runs before any route a feature mounts under /admin/. */
  static final int ROUTE_ORDER = -1_000_000;
  private static final int MAX_TOKEN_CHARS = 512;
  private static final String CALLER_KEY = "toolgate.admin_token";
  private static final Logger LOG = LoggerFactory.getLogger(AdminAuth.class);

  /** Every token, from a load that started at {@code loadStartedNanos}: a token committed before then is in it. */
  private record Snapshot(Map<String, AdminToken> byDigest, Map<String, AdminToken> byId, long loadStartedNanos) {}

  private final AdminTokenStore store;
  private final Clock clock;
  private final BrowserSessions sessions;
  private final Duration refreshInterval;
  private final Map<String, Instant> lastUsed = new ConcurrentHashMap<>();
  private final AtomicReference<Future<Void>> refreshing = new AtomicReference<>();
  private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();
  /** The next load for unknown tokens while it has not started yet; guarded by {@code this}. */
  private Future<Void> pendingOnDemandLoad;
  /** When the last load for unknown tokens started; guarded by {@code this}. */
  private long lastOnDemandStartNanos = System.nanoTime() - ON_DEMAND_SPACING.toNanos();
  private final AtomicLong onDemandLoads = new AtomicLong();
  private final dev.toolgate.server.store.FailureStreak reloads = new dev.toolgate.server.store.FailureStreak(LOG, "reloading admin tokens");
  private volatile Vertx vertx;
  private volatile long timerId = -1;

  public AdminAuth(AdminTokenStore store, Clock clock) {
    this(store, clock, REFRESH_INTERVAL);
  }

  /** @param refreshInterval how often the tokens are reloaded whatever was announced (the fallback) */
  public AdminAuth(AdminTokenStore store, Clock clock, Duration refreshInterval) {
    this(store, clock, refreshInterval, BrowserSessions.NONE);
  }

  /** @param sessions recognises the web console's signed-in browsers */
  public AdminAuth(AdminTokenStore store, Clock clock, Duration refreshInterval, BrowserSessions sessions) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    if (refreshInterval.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException("refresh interval must be at least 1 ms");
    }
    this.refreshInterval = refreshInterval;
  }

  /** Loads the tokens, then keeps reloading them every refresh interval; completes after the first load. */
  public Future<Void> start(Vertx vertx) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    Future<Void> first = refresh();
    timerId = vertx.setPeriodic(refreshInterval.toMillis(), id -> refresh());
    return first;
  }

  /**
   * Reloads the tokens now, on the calling thread (blocking): for a change the store
   * announced, which a load already under way may have started too early to see.
   */
  public void reload() {
    loadTokens();
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
   * Writes pending last-used times and reloads the tokens now, on a worker thread (for
   * in-process changes and tests; the timer does this every refresh interval). Concurrent calls share one load.
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
        LOG.debug("could not record admin token last-used times: {}", e.getMessage()); // informational only; the reload says the store is down
      }
      loadTokens();
      return null;
    }, false).onComplete(done -> {
      refreshing.set(null);
      if (done.failed()) {
        reloads.failed(done.cause());
      } else {
        reloads.succeeded();
      }
      promise.handle(done);
    });
    return mine;
  }

  /** Reads the tokens and installs them, unless a load that started later already did. Blocking. */
  private void loadTokens() {
    long started = System.nanoTime();
    Map<String, AdminToken> byDigest = new HashMap<>();
    Map<String, AdminToken> byId = new HashMap<>();
    for (AdminToken token : store.list()) { // revoked and expired too: known, they are refused at once
      byDigest.put(token.digest(), token);
      byId.put(token.id(), token);
    }
    Snapshot loaded = new Snapshot(Map.copyOf(byDigest), Map.copyOf(byId), started);
    snapshot.accumulateAndGet(loaded, (current, next) ->
        current == null || next.loadStartedNanos() - current.loadStartedNanos() > 0 ? next : current);
  }

  /**
   * A load that starts after now: the one already waiting to start, or a new one, started no
   * sooner than {@link #ON_DEMAND_SPACING} after the previous one.
   */
  private synchronized Future<Void> loadStartingLater() {
    if (pendingOnDemandLoad != null) {
      return pendingOnDemandLoad;
    }
    Promise<Void> promise = Promise.promise();
    pendingOnDemandLoad = promise.future();
    long waitNanos = lastOnDemandStartNanos + ON_DEMAND_SPACING.toNanos() - System.nanoTime();
    vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)), id -> {
      synchronized (this) {
        pendingOnDemandLoad = null; // from here on, requests arriving need the load after this one
        lastOnDemandStartNanos = System.nanoTime();
      }
      onDemandLoads.incrementAndGet();
      vertx.<Void>executeBlocking(() -> {
        loadTokens();
        return null;
      }, false).onComplete(promise);
    });
    return promise.future();
  }

  /** How many loads tokens unknown to the snapshot have caused so far. */
  long onDemandLoads() {
    return onDemandLoads.get();
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
    long arrived = System.nanoTime();
    AdminProblems.requestId(ctx);
    if (!ctx.request().headers().contains("authorization")) {
      BrowserSessions.Verdict verdict = sessions.check(ctx.request(), clock.instant());
      if (verdict != null) {
        decideSession(ctx, verdict, snapshot.get());
        return;
      }
    }
    String presented = bearerToken(ctx);
    String digest = SecretDigest.of(presented == null ? "" : presented);
    Snapshot current = snapshot.get();
    if (waitsForLoad(current, presented, digest, arrived)) {
      // Perhaps created a moment ago by another process: decide on a load that started after now.
      HttpServerRequest request = ctx.request();
      request.pause();
      Context loop = Vertx.currentContext() != null ? Vertx.currentContext() : vertx.getOrCreateContext();
      loadStartingLater().onComplete(loaded -> loop.runOnContext(v -> {
        decide(ctx, presented, digest, loaded.succeeded() ? snapshot.get() : null);
        request.resume();
      }));
      return;
    }
    decide(ctx, presented, digest, current);
  }

  /** A well-formed token the snapshot does not know, and the snapshot loaded before the request arrived. */
  private static boolean waitsForLoad(Snapshot current, String presented, String digest, long arrivedNanos) {
    return current != null && presented != null && !current.byDigest().containsKey(digest)
        && current.loadStartedNanos() - arrivedNanos < 0 && WELL_FORMED.matcher(presented).matches();
  }

  private boolean stale(Snapshot current) {
    return current == null || System.nanoTime() - current.loadStartedNanos() > refreshInterval.toNanos() * STALE_AFTER_INTERVALS;
  }

  private void decide(RoutingContext ctx, String presented, String digest, Snapshot current) {
    AdminToken token = current == null ? null : current.byDigest().get(digest);
    Instant now = clock.instant();
    boolean valid = presented != null && token != null && token.activeAt(now);
    if (stale(current)) {
      AdminProblems.storeUnavailable(ctx, "admin tokens cannot be loaded from the store; see the server log");
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
    admit(ctx, token, now);
  }

  /** A console session: its CSRF token and origin first, then the admin token it was opened with, as of now. */
  private void decideSession(RoutingContext ctx, BrowserSessions.Verdict verdict, Snapshot current) {
    if (stale(current)) {
      AdminProblems.storeUnavailable(ctx, "admin tokens cannot be loaded from the store; see the server log");
      return;
    }
    switch (verdict.refusal()) {
      case CSRF_TOKEN -> {
        AdminProblems.send(ctx, AdminProblems.Code.CSRF_TOKEN_INVALID,
            "a console session must send its CSRF token in " + BrowserSessions.CSRF_HEADER + " (scripts: use Authorization: Bearer tga_... instead)");
        return;
      }
      case ORIGIN -> {
        AdminProblems.send(ctx, AdminProblems.Code.CSRF_TOKEN_INVALID, "this request did not come from the console's own origin");
        return;
      }
      case SESSION_ENDED -> {
        sessionRefused(ctx, "the console session has ended; sign in again");
        return;
      }
      case NONE -> { } // the admin token decides
    }
    Instant now = clock.instant();
    AdminToken token = current.byId().get(verdict.adminTokenId());
    if (token == null || !token.activeAt(now)) {
      sessionRefused(ctx, "the admin token this console session was opened with is revoked or expired; sign in again");
      return;
    }
    admit(ctx, token, now);
  }

  /** 401 for a console session that no longer counts; a 401 always names its scheme (RFC 9110 §11.6.1). */
  private static void sessionRefused(RoutingContext ctx, String detail) {
    ctx.response().putHeader("www-authenticate", "Bearer realm=\"" + REALM + "\"");
    AdminProblems.send(ctx, AdminProblems.Code.ADMIN_TOKEN_INVALID, detail);
  }

  private void admit(RoutingContext ctx, AdminToken token, Instant now) {
    ctx.put(CALLER_KEY, token);
    lastUsed.merge(token.id(), now, (a, b) -> a.isAfter(b) ? a : b);
    ctx.next();
  }

  /**
   * The admin token {@code presented} is, when it is active now; empty when it is unknown, revoked
   * or expired (one answer for all three). Decided as a request with that bearer token arriving now
   * would be (a well-formed token the snapshot does not know waits for a load that starts after
   * now); fails with {@link dev.toolgate.server.store.StoreException} when the tokens cannot be
   * loaded. Completes on the caller's context. For the web console's sign-in.
   */
  public Future<Optional<AdminToken>> authenticate(String presented) {
    long arrived = System.nanoTime();
    String token = presented == null || presented.isEmpty() || presented.length() > MAX_TOKEN_CHARS ? null : presented;
    String digest = SecretDigest.of(token == null ? "" : token);
    Snapshot current = snapshot.get();
    if (!waitsForLoad(current, token, digest, arrived)) {
      return verdictOn(current, token, digest);
    }
    Context loop = Vertx.currentContext() != null ? Vertx.currentContext() : vertx.getOrCreateContext();
    Promise<Optional<AdminToken>> promise = Promise.promise();
    loadStartingLater().onComplete(loaded -> loop.runOnContext(v ->
        verdictOn(loaded.succeeded() ? snapshot.get() : null, token, digest).onComplete(promise)));
    return promise.future();
  }

  private Future<Optional<AdminToken>> verdictOn(Snapshot current, String presented, String digest) {
    if (stale(current)) {
      return Future.failedFuture(new dev.toolgate.server.store.StoreException("admin tokens cannot be loaded from the store"));
    }
    Instant now = clock.instant();
    AdminToken token = presented == null ? null : current.byDigest().get(digest);
    if (token == null || !token.activeAt(now)) {
      return Future.succeededFuture(Optional.empty());
    }
    lastUsed.merge(token.id(), now, (a, b) -> a.isAfter(b) ? a : b);
    return Future.succeededFuture(Optional.of(token));
  }

  /** The admin token of this id as last loaded, if it is active now: whether a console session may go on. */
  public Optional<AdminToken> active(String id) {
    Snapshot current = snapshot.get();
    if (current == null || id == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(current.byId().get(id)).filter(t -> t.activeAt(clock.instant()));
  }

  /**
   * Whether any admin token, as last loaded, is active now: the web console is served only then
   * (no admin token, no way in, so no page either).
   */
  public boolean anyActive() {
    Snapshot current = snapshot.get();
    if (current == null) {
      return false;
    }
    Instant now = clock.instant();
    for (AdminToken token : current.byId().values()) {
      if (token.activeAt(now)) {
        return true;
      }
    }
    return false;
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
