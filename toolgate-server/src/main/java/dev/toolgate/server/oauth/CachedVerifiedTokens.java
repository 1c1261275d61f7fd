package dev.toolgate.server.oauth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.toolgate.core.port.VerifiedTokenCache;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@link VerifiedTokenCache} on Caffeine: bounded in size, and each entry expires with its token.
 * Use one instance per verifier: a token verified under one set of rules must not pass under another.
 */
public final class CachedVerifiedTokens implements VerifiedTokenCache {
  private record Entry(JWTClaimsSet claims, Instant expiresAt) {}

  private final Cache<String, Entry> cache;

  public CachedVerifiedTokens(long maximumSize) {
    this.cache = Caffeine.newBuilder()
        .maximumSize(maximumSize)
        .expireAfter(new Expiry<String, Entry>() {
          @Override
          public long expireAfterCreate(String key, Entry value, long currentTime) {
            return Math.max(0, Duration.between(Instant.now(), value.expiresAt()).toNanos());
          }

          @Override
          public long expireAfterUpdate(String key, Entry value, long currentTime, long currentDuration) {
            return expireAfterCreate(key, value, currentTime);
          }

          @Override
          public long expireAfterRead(String key, Entry value, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .build();
  }

  @Override
  public Optional<JWTClaimsSet> get(String token) {
    Entry e = cache.getIfPresent(token);
    return e == null ? Optional.empty() : Optional.of(e.claims());
  }

  @Override
  public void put(String token, JWTClaimsSet claims, Instant expiresAt) {
    cache.put(token, new Entry(claims, expiresAt));
  }
}
