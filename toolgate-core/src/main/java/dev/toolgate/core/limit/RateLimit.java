package dev.toolgate.core.limit;

import java.time.Duration;

/** A token bucket: {@code capacity} calls, refilled evenly over {@code period}. */
public record RateLimit(long capacity, Duration period) {
  public RateLimit {
    if (capacity < 1) {
      throw new IllegalArgumentException("a rate limit needs a capacity of at least 1");
    }
    if (period == null || period.isZero() || period.isNegative()) {
      throw new IllegalArgumentException("a rate limit needs a positive period");
    }
  }
}
