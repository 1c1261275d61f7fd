package dev.toolgate.server.redis;

import dev.toolgate.core.limit.OnceKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives back the once-only keys of a call that was refused or answered 503, so that the sender's
 * retry of the same message is not refused as a replay. Each key is deleted only if it still holds
 * the call's claim token ({@code redis/release.lua}), so a late release never frees another call's
 * claim.
 *
 * <p>A release is needed exactly when Redis misbehaved: it ran the claim but its answer came too late
 * (slow) or never (the connection dropped after the script ran). The release then often fails too,
 * so it is sent with its source ({@code EVAL}: a restarted Redis has no cached script, and a
 * {@code NOSCRIPT} answer would come after the caller gave up) and retried in the background, 100 ms
 * doubling to 2 s apart, until Redis answers or the claim would have expired anyway. At most
 * {@link #MAX_RETRYING} keys are retried at once; beyond, a key is left to expire (logged).
 */
final class ClaimReleases {
  static final RedisScript RELEASE = RedisScript.load("redis/release.lua");
  static final Duration FIRST_RETRY = Duration.ofMillis(100);
  static final Duration MAX_RETRY = Duration.ofSeconds(2);
  static final int MAX_RETRYING = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(ClaimReleases.class);

  private final RedisConnector redis;
  private final Clock clock;
  private final AtomicInteger retrying = new AtomicInteger();

  ClaimReleases(RedisConnector redis, Clock clock) {
    this.redis = redis;
    this.clock = clock;
  }

  /**
   * Releases the first {@code count} of {@code once} if they hold {@code token}. Completes when the
   * first attempt at each is answered or failed (never exceptionally); failed ones go on in the background.
   */
  CompletableFuture<Void> release(List<OnceKey> once, int count, String token) {
    List<CompletableFuture<?>> attempts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      attempts.add(attempt(once.get(i), token, FIRST_RETRY, false));
    }
    return CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new));
  }

  /** Keys whose release is being retried now. */
  int retrying() {
    return retrying.get();
  }

  private CompletableFuture<Void> attempt(OnceKey key, String token, Duration nextDelay, boolean counted) {
    return redis.evalSource(RELEASE, new String[] {RedisCallQuota.onceKey(key.key())}, token).handle((released, failure) -> {
      if (failure == null) {
        if (counted) {
          retrying.decrementAndGet();
        }
        return null;
      }
      if (!clock.instant().isBefore(key.until()) || redis.isClosed()) {
        if (counted) {
          retrying.decrementAndGet();
        }
        return null; // expired meanwhile (nothing left to release), or this server is stopping
      }
      if (!counted && retrying.incrementAndGet() > MAX_RETRYING) {
        retrying.decrementAndGet();
        LOG.warn("a once-only claim of a call that was not let through could not be released ({}) and is left to expire:"
            + " a retry of that message is refused as a replay until then", RedisCallQuota.reason(failure));
        return null;
      }
      Duration after = nextDelay.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : nextDelay.multipliedBy(2);
      CompletableFuture.runAsync(() -> attempt(key, token, after, true),
          CompletableFuture.delayedExecutor(nextDelay.toMillis(), TimeUnit.MILLISECONDS));
      return null;
    });
  }
}
