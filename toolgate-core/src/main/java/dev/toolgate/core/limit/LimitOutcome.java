package dev.toolgate.core.limit;

import java.time.Duration;

/**
 * One consumption from a bucket, with what the {@code RateLimit-*} headers (and {@code Retry-After}
 * on refusal) report.
 */
public record LimitOutcome(boolean allowed, long limit, long remaining, Duration resetAfter, Duration retryAfter) {}
