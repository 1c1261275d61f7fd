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
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Authenticates every {@code /admin/*} request: {@code Authorization: Bearer tga_…}, an admin token
 * from {@code toolgate admin-token create}; or, from the web console, its session cookie together
 * with the session's CSRF token ({@link BrowserSessions}: the admin token behind the session must
 * still be active, and its role applies). A request that sends an Authorization header is judged
 * on it alone.
 *
 * <p>The event loop never waits for the database: the tokens (few, by digest; revoked and expired
 * ones too, so that they are refused without a load) are held in an in-memory snapshot ({@link
 * AdminTokenCache}) reloaded on
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
  /** Loads made for tokens the snapshot does not know start at most this often. */
  public static final Duration ON_DEMAND_SPACING = Duration.ofMillis(250);
  /** Routes are tried in order; this runs before any route a feature mounts under /admin/. */
  static final int ROUTE_ORDER = -1_000_000;
  private static final int MAX_TOKEN_CHARS = 512;
  private static final String CALLER_KEY = "toolgate.admin_token";

  private final AdminTokenCache tokens;
  private final Clock clock;
  private final BrowserSessions sessions;
  private volatile Vertx vertx;

  public AdminAuth(AdminTokenStore store, Clock clock) {
    this(store, clock, REFRESH_INTERVAL);
  }

  /** @param refreshInterval how often the tokens are reloaded whatever was announced (the fallback) */
  public AdminAuth(AdminTokenStore store, Clock clock, Duration refreshInterval) {
    this(store, clock, refreshInterval, BrowserSessions.NONE);
  }

  /** @param sessions recognises the web console's signed-in browsers */
  public AdminAuth(AdminTokenStore store, Clock clock, Duration refreshInterval, BrowserSessions sessions) {
    this.tokens = new AdminTokenCache(store, clock, refreshInterval);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
  }

  /** Loads the tokens, then keeps reloading them every refresh interval; completes after the first load. */
  public Future<Void> start(Vertx vertx) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    return tokens.start(vertx);
  }

  /**
   * Reloads the tokens now, on the calling thread (blocking): for a change the store
   * announced, which a load already under way may have started too early to see.
   */
  public void reload() {
    tokens.reload();
  }

  /** Stops reloading and writes the last-used times still pending. */
  public Future<Void> stop() {
    return tokens.stop();
  }

  /**
   * Writes pending last-used times and reloads the tokens now, on a worker thread (for
   * in-process changes and tests; the timer does this every refresh interval). Concurrent calls share one load.
   */
  public Future<Void> refresh() {
    return tokens.refresh();
  }

  /** How many loads tokens unknown to the snapshot have caused so far. */
  long onDemandLoads() {
    return tokens.onDemandLoads();
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
        decideSession(ctx, verdict, tokens.current());
        return;
      }
    }
    String presented = bearerToken(ctx);
    String digest = SecretDigest.of(presented == null ? "" : presented);
    AdminTokenCache.Snapshot current = tokens.current();
    if (AdminTokenCache.waitsForLoad(current, presented, digest, arrived)) {
      // Perhaps created a moment ago by another process: decide on a load that started after now.
      HttpServerRequest request = ctx.request();
      request.pause();
      Context loop = Vertx.currentContext() != null ? Vertx.currentContext() : vertx.getOrCreateContext();
      tokens.loadStartingLater().onComplete(loaded -> loop.runOnContext(v -> {
        decide(ctx, presented, digest, loaded.succeeded() ? tokens.current() : null);
        request.resume();
      }));
      return;
    }
    decide(ctx, presented, digest, current);
  }

  private void decide(RoutingContext ctx, String presented, String digest, AdminTokenCache.Snapshot current) {
    AdminToken token = current == null ? null : current.byDigest().get(digest);
    Instant now = clock.instant();
    boolean valid = presented != null && token != null && token.activeAt(now);
    if (tokens.stale(current)) {
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
  private void decideSession(RoutingContext ctx, BrowserSessions.Verdict verdict, AdminTokenCache.Snapshot current) {
    if (tokens.stale(current)) {
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
    tokens.markUsed(token.id(), now);
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
    AdminTokenCache.Snapshot current = tokens.current();
    if (!AdminTokenCache.waitsForLoad(current, token, digest, arrived)) {
      return verdictOn(current, token, digest);
    }
    Context loop = Vertx.currentContext() != null ? Vertx.currentContext() : vertx.getOrCreateContext();
    Promise<Optional<AdminToken>> promise = Promise.promise();
    tokens.loadStartingLater().onComplete(loaded -> loop.runOnContext(v ->
        verdictOn(loaded.succeeded() ? tokens.current() : null, token, digest).onComplete(promise)));
    return promise.future();
  }

  private Future<Optional<AdminToken>> verdictOn(AdminTokenCache.Snapshot current, String presented, String digest) {
    if (tokens.stale(current)) {
      return Future.failedFuture(new dev.toolgate.server.store.StoreException("admin tokens cannot be loaded from the store"));
    }
    Instant now = clock.instant();
    AdminToken token = presented == null ? null : current.byDigest().get(digest);
    if (token == null || !token.activeAt(now)) {
      return Future.succeededFuture(Optional.empty());
    }
    tokens.markUsed(token.id(), now);
    return Future.succeededFuture(Optional.of(token));
  }

  /** The admin token of this id as last loaded, if it is active now: whether a console session may go on. */
  public Optional<AdminToken> active(String id) {
    return tokens.active(id);
  }

  /**
   * Whether any admin token, as last loaded, is active now: the web console is served only then
   * (no admin token, no way in, so no page either).
   */
  public boolean anyActive() {
    return tokens.anyActive();
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
