package dev.toolgate.server.admin;

import dev.toolgate.server.store.FailureStreak;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
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
 * The admin tokens as last loaded, for {@link AdminAuth} to decide on without waiting for the
 * database: an in-memory snapshot (few tokens, by digest and by id; revoked and expired ones too,
 * so that they are refused without a load) reloaded on a worker thread every refresh interval,
 * plus the loads a token the snapshot does not know may wait for (shared, and started at most every
 * {@link AdminAuth#ON_DEMAND_SPACING}). Last-used times are collected here and written with each reload.
 */
final class AdminTokenCache {
  /** A snapshot not refreshed for this many refresh intervals is too old to decide on. */
  static final int STALE_AFTER_INTERVALS = 10;
  /** What {@code toolgate admin-token create} makes: the prefix and base64url of 32 random bytes. */
  private static final Pattern WELL_FORMED = Pattern.compile(Pattern.quote(AdminTokenStore.PREFIX) + "[A-Za-z0-9_-]{43}");
  private static final Logger LOG = LoggerFactory.getLogger(AdminAuth.class);

  /** Every token, from a load that started at {@code loadStartedNanos}: a token committed before then is in it. */
  record Snapshot(Map<String, AdminToken> byDigest, Map<String, AdminToken> byId, long loadStartedNanos) {}

  private final AdminTokenStore store;
  private final Clock clock;
  private final Duration refreshInterval;
  private final Map<String, Instant> lastUsed = new ConcurrentHashMap<>();
  private final AtomicReference<Future<Void>> refreshing = new AtomicReference<>();
  private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();
  /** The next load for unknown tokens while it has not started yet; guarded by {@code this}. */
  private Future<Void> pendingOnDemandLoad;
  /** When the last load for unknown tokens started; guarded by {@code this}. */
  private long lastOnDemandStartNanos = System.nanoTime() - AdminAuth.ON_DEMAND_SPACING.toNanos();
  private final AtomicLong onDemandLoads = new AtomicLong();
  private final FailureStreak reloads = new FailureStreak(LOG, "reloading admin tokens");
  private volatile Vertx vertx;
  private volatile long timerId = -1;

  AdminTokenCache(AdminTokenStore store, Clock clock, Duration refreshInterval) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (refreshInterval.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException("refresh interval must be at least 1 ms");
    }
    this.refreshInterval = refreshInterval;
  }

  /** The snapshot in force; null before the first load. */
  Snapshot current() {
    return snapshot.get();
  }

  /** Too old to decide on (or none yet): the store has not answered for {@link #STALE_AFTER_INTERVALS} refresh intervals. */
  boolean stale(Snapshot current) {
    return current == null || System.nanoTime() - current.loadStartedNanos() > refreshInterval.toNanos() * STALE_AFTER_INTERVALS;
  }

  /** A well-formed token the snapshot does not know, and the snapshot loaded before the request arrived. */
  static boolean waitsForLoad(Snapshot current, String presented, String digest, long arrivedNanos) {
    return current != null && presented != null && !current.byDigest().containsKey(digest)
        && current.loadStartedNanos() - arrivedNanos < 0 && WELL_FORMED.matcher(presented).matches();
  }

  /** Notes that {@code id} was used at {@code at}; written to the store with the next reload. */
  void markUsed(String id, Instant at) {
    lastUsed.merge(id, at, (a, b) -> a.isAfter(b) ? a : b);
  }

  /** Loads the tokens, then keeps reloading them every refresh interval; completes after the first load. */
  Future<Void> start(Vertx vertx) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    Future<Void> first = refresh();
    timerId = vertx.setPeriodic(refreshInterval.toMillis(), id -> refresh());
    return first;
  }

  /**
   * Reloads the tokens now, on the calling thread (blocking): for a change the store
   * announced, which a load already under way may have started too early to see.
   */
  void reload() {
    loadTokens();
  }

  /** Stops reloading and writes the last-used times still pending. */
  Future<Void> stop() {
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
  Future<Void> refresh() {
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
  synchronized Future<Void> loadStartingLater() {
    if (pendingOnDemandLoad != null) {
      return pendingOnDemandLoad;
    }
    Promise<Void> promise = Promise.promise();
    pendingOnDemandLoad = promise.future();
    long waitNanos = lastOnDemandStartNanos + AdminAuth.ON_DEMAND_SPACING.toNanos() - System.nanoTime();
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

  /** The admin token of this id as last loaded, if it is active now: whether a console session may go on. */
  Optional<AdminToken> active(String id) {
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
  boolean anyActive() {
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
}
