package dev.toolgate.server.oauth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.toolgate.core.port.VerifiedTokenCache;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * {@link VerifiedTokenCache} on Caffeine: bounded in bytes (an estimate per entry: the token's
 * characters and its parsed claims), and each entry expires with its token.
 * Use one instance per verifier: a token verified under one set of rules must not pass under another.
 * An entry whose signing key is no longer trusted (a revoked key: {@code toolgate keys revoke}) is
 * dropped when read, so the token is verified again, and refused.
 */
public final class CachedVerifiedTokens implements VerifiedTokenCache {
  private record Entry(JWTClaimsSet claims, Instant expiresAt, String kid) {}

  private final Cache<String, Entry> cache;
  private final Predicate<String> keyTrusted;

  /** For tokens whose keys are never withdrawn early (a trusted issuer's: its JWKS decides at the next fetch). */
  public CachedVerifiedTokens(long maximumBytes) {
    this(maximumBytes, kid -> true);
  }

  /** @param keyTrusted whether the key with this kid (null when the token names none) still verifies tokens */
  public CachedVerifiedTokens(long maximumBytes, Predicate<String> keyTrusted) {
    this.keyTrusted = keyTrusted;
    this.cache = Caffeine.newBuilder()
        .maximumWeight(maximumBytes)
        .weigher((String token, Entry e) -> weight(token))
        .expireAfter(new UntilTokenExpiry<Entry>(Entry::expiresAt, Clock.systemUTC()))
        .recordStats() // hits and misses for the metrics: a few adds per lookup
        .build();
  }

  /**
   * Bytes an entry holds, roughly: the token string (two bytes a character, as Java may store it)
   * and its parsed claims, node and record (~1.2 KiB measured for an access token).
   */
  static int weight(String token) {
    return 2 * token.length() + 1_280;
  }

  /** The cache itself, for its size and hit metrics only. */
  public Cache<?, ?> cache() {
    return cache;
  }

  @Override
  public Optional<JWTClaimsSet> get(String token) {
    Entry e = cache.getIfPresent(token);
    if (e == null) {
      return Optional.empty();
    }
    if (!keyTrusted.test(e.kid())) {
      cache.invalidate(token);
      return Optional.empty();
    }
    return Optional.of(e.claims());
  }

  @Override
  public void put(String token, JWTClaimsSet claims, Instant expiresAt) {
    cache.put(token, new Entry(claims, expiresAt, ExternalKeyReadiness.kidOf(token)));
  }
}
