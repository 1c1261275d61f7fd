package dev.toolgate.core.port;

import dev.toolgate.core.limit.LimitOutcome;
import dev.toolgate.core.limit.RateLimit;

/**
 * Token buckets by key. In-process here; a shared backend (Redis) implements the same interface so
 * several instances share buckets. Must not block the caller.
 */
public interface RateLimiter {
  LimitOutcome tryConsume(String key, RateLimit limit);
}
