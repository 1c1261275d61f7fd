package dev.toolgate.core.port;

import dev.toolgate.core.limit.LimitOutcome;
import dev.toolgate.core.limit.RateLimit;
import java.time.Duration;

/**
 * Token buckets by key. In-process here; a shared backend (Redis) implements the same interface so
 * several instances share buckets. Must not block the caller.
 */
public interface RateLimiter {
  /** Never refuses: for an engine without limits. */
  RateLimiter UNLIMITED = new RateLimiter() {
    @Override
    public LimitOutcome tryConsume(String key, RateLimit limit) {
      return new LimitOutcome(true, limit.capacity(), limit.capacity(), Duration.ZERO, Duration.ZERO);
    }

    @Override
    public LimitOutcome peek(String key, RateLimit limit) {
      return tryConsume(key, limit);
    }
  };

  LimitOutcome tryConsume(String key, RateLimit limit);

  /**
   * The bucket's state without consuming: {@code allowed} is whether one token is available now
   * ({@code remaining} tokens; when none, {@code retryAfter} says when one will be).
   */
  LimitOutcome peek(String key, RateLimit limit);
}
