package dev.toolgate.server.oauth;

import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/** A Caffeine expiry for remembered tokens: an entry lives until its token's {@code exp}, however often it is read. */
final class UntilTokenExpiry<V> implements Expiry<String, V> {
  private final Function<V, Instant> expiresAt;
  private final Clock clock;

  UntilTokenExpiry(Function<V, Instant> expiresAt, Clock clock) {
    this.expiresAt = expiresAt;
    this.clock = clock;
  }

  @Override
  public long expireAfterCreate(String token, V value, long currentTime) {
    return Math.max(0, Duration.between(clock.instant(), expiresAt.apply(value)).toNanos());
  }

  @Override
  public long expireAfterUpdate(String token, V value, long currentTime, long currentDuration) {
    return expireAfterCreate(token, value, currentTime);
  }

  @Override
  public long expireAfterRead(String token, V value, long currentTime, long currentDuration) {
    return currentDuration;
  }
}
