package dev.toolgate.core.config;

import java.util.Objects;

/**
 * {@code redis.when_unavailable}: what each kind of limit kept in Redis does while Redis cannot
 * answer. Parsed here; the limiters built on Redis act on it.
 *
 * @param rateLimits the tools' {@code rate_limits} (default {@code allow}; a tool may say otherwise
 *     with {@code when_limits_unavailable})
 * @param failedAuthLimit the failed-authentication limit per client IP (default {@code refuse})
 * @param loginThrottle the customer login throttle (default {@code refuse})
 */
public record RedisFallbacks(WhenUnavailable rateLimits, WhenUnavailable failedAuthLimit, WhenUnavailable loginThrottle) {
  public RedisFallbacks {
    Objects.requireNonNull(rateLimits, "rateLimits");
    Objects.requireNonNull(failedAuthLimit, "failedAuthLimit");
    Objects.requireNonNull(loginThrottle, "loginThrottle");
  }

  public static RedisFallbacks defaults() {
    return new RedisFallbacks(WhenUnavailable.ALLOW, WhenUnavailable.REFUSE, WhenUnavailable.REFUSE);
  }
}
