package dev.toolgate.core.config;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * Throttling of failed customer logins: after this many failures within {@code window}, further
 * attempts for that user name, or from that client IP, are refused until allowance comes back.
 *
 * @param perUserFailures failed attempts allowed per user name within the window (default 5)
 * @param perIpFailures failed attempts allowed per client IP within the window (default 20); empty
 *     when {@code off}: logins that all arrive from a platform's few addresses are limited per user
 *     name only
 * @param window the sliding window (default 15m)
 */
public record LoginThrottleSettings(int perUserFailures, OptionalInt perIpFailures, Duration window) {
  public static final int MAX_PER_USER_FAILURES = 1000;
  public static final int MAX_PER_IP_FAILURES = 1_000_000;

  /** With a limit per client IP. */
  public LoginThrottleSettings(int perUserFailures, int perIpFailures, Duration window) {
    this(perUserFailures, OptionalInt.of(perIpFailures), window);
  }

  public static LoginThrottleSettings defaults() {
    return new LoginThrottleSettings(5, 20, Duration.ofMinutes(15));
  }
}
