package dev.toolgate.server.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.toolgate.core.limit.LimitOutcome;
import dev.toolgate.core.limit.RateLimit;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import java.time.Duration;

/**
 * In-process token buckets (Bucket4j), one per key, forgotten after a while unused so keys chosen
 * by callers (IPs, user ids) cannot grow memory without bound.
 */
public final class LocalRateLimiter {
  private record Keyed(String key, RateLimit limit) {}

  private final Cache<Keyed, Bucket> buckets;

  public LocalRateLimiter(long maximumBuckets, Duration idleExpiry) {
    this.buckets = Caffeine.newBuilder().maximumSize(maximumBuckets).expireAfterAccess(idleExpiry).build();
  }

  /** Takes one token from the bucket of {@code key}. */
  public LimitOutcome tryConsume(String key, RateLimit limit) {
    Bucket bucket = buckets.get(new Keyed(key, limit), k -> Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(limit.capacity()).refillGreedy(limit.capacity(), limit.period()).build())
        .build());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    Duration reset = Duration.ofNanos(probe.getNanosToWaitForReset());
    return new LimitOutcome(probe.isConsumed(), limit.capacity(), probe.getRemainingTokens(), reset,
        Duration.ofNanos(probe.getNanosToWaitForRefill()));
  }

  /**
   * The bucket's state without consuming: {@code allowed} is whether one token is available now
   * ({@code remaining} tokens; when none, {@code retryAfter} says when one will be).
   */
  public LimitOutcome peek(String key, RateLimit limit) {
    Bucket bucket = buckets.getIfPresent(new Keyed(key, limit));
    if (bucket == null) {
      // Never used (or forgotten): full, and no bucket is created for a mere look.
      return new LimitOutcome(true, limit.capacity(), limit.capacity(), Duration.ZERO, Duration.ZERO);
    }
    EstimationProbe probe = bucket.estimateAbilityToConsume(1);
    long remaining = Math.max(0, probe.getRemainingTokens());
    // Refill is even over the period, so the time to full is the missing tokens' share of it.
    Duration reset = limit.period().multipliedBy(limit.capacity() - remaining).dividedBy(limit.capacity());
    return new LimitOutcome(probe.canBeConsumed(), limit.capacity(), remaining, reset,
        Duration.ofNanos(probe.getNanosToWaitForRefill()));
  }

  /** Returns the token a {@link #tryConsume} took (the call it was for was refused by another bucket). */
  public void giveBack(String key, RateLimit limit) {
    Bucket bucket = buckets.getIfPresent(new Keyed(key, limit));
    if (bucket != null) {
      bucket.addTokens(1);
    }
  }
}
