package dev.toolgate.server.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.toolgate.core.limit.LimitOutcome;
import dev.toolgate.core.limit.RateLimit;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Duration;

/**
 * In-process token buckets (Bucket4j), one per key, forgotten after a while unused so keys chosen
 * by callers (IPs, user ids) cannot grow memory without bound. A bucket asked for with another size
 * than it has (the configuration was reloaded) takes the new size and keeps what was used: 6 calls
 * of a 10-call minute leave 14 of a new 20, and none of a new 5.
 */
public final class LocalRateLimiter {
  private final Cache<String, Limited> buckets;

  public LocalRateLimiter(long maximumBuckets, Duration idleExpiry) {
    this.buckets = Caffeine.newBuilder().maximumSize(maximumBuckets).expireAfterAccess(idleExpiry).build();
  }

  /**
   * Buckets unused this long are forgotten from now on (a reloaded configuration with a longer
   * period): a bucket unused for its whole period is full again, so forgetting it then loses nothing.
   */
  public void idleExpiry(Duration idleExpiry) {
    buckets.policy().expireAfterAccess().ifPresent(expiry -> expiry.setExpiresAfter(idleExpiry));
  }

  /** Takes one token from the bucket of {@code key}. */
  public LimitOutcome tryConsume(String key, RateLimit limit) {
    ConsumptionProbe probe = buckets.get(key, k -> new Limited(limit)).tryConsume(limit);
    Duration reset = Duration.ofNanos(probe.getNanosToWaitForReset());
    return new LimitOutcome(probe.isConsumed(), limit.capacity(), probe.getRemainingTokens(), reset,
        Duration.ofNanos(probe.getNanosToWaitForRefill()));
  }

  /**
   * The bucket's state without consuming: {@code allowed} is whether one token is available now
   * ({@code remaining} tokens; when none, {@code retryAfter} says when one will be).
   */
  public LimitOutcome peek(String key, RateLimit limit) {
    Limited bucket = buckets.getIfPresent(key);
    if (bucket == null) {
      // Never used (or forgotten): full, and no bucket is created for a mere look.
      return new LimitOutcome(true, limit.capacity(), limit.capacity(), Duration.ZERO, Duration.ZERO);
    }
    EstimationProbe probe = bucket.estimate(limit);
    long remaining = Math.max(0, probe.getRemainingTokens());
    // Refill is even over the period, so the time to full is the missing tokens' share of it.
    Duration reset = limit.period().multipliedBy(limit.capacity() - remaining).dividedBy(limit.capacity());
    return new LimitOutcome(probe.canBeConsumed(), limit.capacity(), remaining, reset,
        Duration.ofNanos(probe.getNanosToWaitForRefill()));
  }

  /** Returns the token a {@link #tryConsume} took (the call it was for was refused by another bucket). */
  public void giveBack(String key, RateLimit limit) {
    Limited bucket = buckets.getIfPresent(key);
    if (bucket != null) {
      bucket.giveBack(limit);
    }
  }

  /** One bucket and the limit it was last sized for. */
  private static final class Limited {
    private RateLimit limit;
    private final Bucket bucket;

    Limited(RateLimit limit) {
      this.limit = limit;
      this.bucket = Bucket.builder().addLimit(bandwidth(limit)).build();
    }

    synchronized ConsumptionProbe tryConsume(RateLimit wanted) {
      resize(wanted);
      return bucket.tryConsumeAndReturnRemaining(1);
    }

    synchronized EstimationProbe estimate(RateLimit wanted) {
      resize(wanted);
      return bucket.estimateAbilityToConsume(1);
    }

    synchronized void giveBack(RateLimit wanted) {
      resize(wanted);
      bucket.addTokens(1);
    }

    /** What was used stays used under the new size. */
    private void resize(RateLimit wanted) {
      if (wanted.equals(limit)) {
        return;
      }
      long used = limit.capacity() - Math.max(0, bucket.getAvailableTokens());
      bucket.replaceConfiguration(BucketConfiguration.builder().addLimit(bandwidth(wanted)).build(), TokensInheritanceStrategy.RESET);
      bucket.tryConsume(Math.min(Math.max(0, used), wanted.capacity()));
      limit = wanted;
    }

    private static Bandwidth bandwidth(RateLimit limit) {
      return Bandwidth.builder().capacity(limit.capacity()).refillGreedy(limit.capacity(), limit.period()).build();
    }
  }
}
