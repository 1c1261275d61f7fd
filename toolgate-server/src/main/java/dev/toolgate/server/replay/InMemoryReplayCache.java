package dev.toolgate.server.replay;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once-only keys for one instance (webhook ids, signed bodies, single-use tokens: see {@link
 * dev.toolgate.server.limit.LocalCallQuota}), on Caffeine: each key lives until its own expiry, and the
 * cache holds at most {@code maximumSize} keys. Time is the given clock's, the one the verifiers
 * check timestamps with.
 *
 * <p>Size it above the peak number of messages accepted within the longest window (about twice the
 * {@code replay_tolerance}: a timestamp may lie that far in the future). A key pushed out by size
 * before its expiry could be accepted again; {@link #evictedEarly()} counts those, and the first one
 * is logged as a warning. Several instances share Redis instead ({@code redis:} in toolgate.yaml).
 */
public final class InMemoryReplayCache {
  private static final Logger LOG = LoggerFactory.getLogger(InMemoryReplayCache.class);
  /**
   * About 240 bytes per key (measured): a full cache holds about 230 MiB. With a 5-minute window a key
   * lives about 5 minutes, so it fills only at some 3,000 accepted signed calls per second.
   */
  public static final long DEFAULT_MAXIMUM_SIZE = 1_000_000;

  private final Clock clock;
  private final Cache<String, Instant> cache;
  private final AtomicLong evictedEarly = new AtomicLong();
  private final AtomicBoolean warned = new AtomicBoolean();

  public InMemoryReplayCache(long maximumSize, Clock clock) {
    if (maximumSize < 1) {
      throw new IllegalArgumentException("maximumSize must be positive, got " + maximumSize);
    }
    this.clock = clock;
    this.cache = Caffeine.newBuilder()
        .maximumSize(maximumSize)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .expireAfter(new Expiry<String, Instant>() {
          @Override
          public long expireAfterCreate(String key, Instant expiresAt, long currentTime) {
            return nanosUntil(expiresAt);
          }

          @Override
          public long expireAfterUpdate(String key, Instant expiresAt, long currentTime, long currentDuration) {
            return nanosUntil(expiresAt);
          }

          @Override
          public long expireAfterRead(String key, Instant expiresAt, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .evictionListener((String key, Instant expiresAt, RemovalCause cause) -> {
          if (cause == RemovalCause.SIZE) {
            long n = evictedEarly.incrementAndGet();
            if (warned.compareAndSet(false, true)) {
              LOG.warn("replay cache is full ({} keys): keys are evicted before their expiry, so a replay of them could pass;"
                  + " raise its size or use a shared replay cache (evicted so far: {})", maximumSize, n);
            }
          }
        })
        .executor(Runnable::run) // maintenance on the calling thread: a few map operations, no pool needed
        .build();
  }

  public InMemoryReplayCache(Clock clock) {
    this(DEFAULT_MAXIMUM_SIZE, clock);
  }

  /** Records {@code key} until {@code expiresAt}: true the first time (or after expiry), false while held. Atomic. */
  public boolean firstUse(String key, Instant expiresAt) {
    // putIfAbsent is atomic, and Caffeine treats an expired entry as absent.
    return cache.asMap().putIfAbsent(key, expiresAt) == null;
  }

  /** Whether {@code key} is held (used, not expired), without recording anything. */
  public boolean seen(String key) {
    return cache.getIfPresent(key) != null; // an expired entry reads as absent
  }

  /** Keys pushed out by size before their expiry since start. */
  public long evictedEarly() {
    return evictedEarly.get();
  }

  /** Keys held, including expired ones not yet cleaned up. */
  public long size() {
    return cache.estimatedSize();
  }

  private long nanosUntil(Instant expiresAt) {
    long millis = Duration.between(clock.instant(), expiresAt).toMillis();
    return TimeUnit.MILLISECONDS.toNanos(Math.max(0, millis));
  }
}
