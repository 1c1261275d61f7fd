package dev.toolgate.server.oauth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import dev.toolgate.core.token.JwtKeys;
import dev.toolgate.core.token.JwtResult;
import dev.toolgate.core.token.JwtRules;
import dev.toolgate.core.token.JwtVerifier;
import dev.toolgate.core.token.KeyRing;
import dev.toolgate.core.token.SigningAlgorithm;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Verifies tokens Toolgate issued itself (access tokens and customer JWTs), against its current key ring.
 *
 * <p>Valid results are remembered per exact token string until the token's {@code exp}, so a resource
 * server introspecting the same token again costs a map lookup instead of a signature check. A
 * remembered result is only reused while nothing that decided it has changed: the token has not
 * expired by this clock, and the key that verified it is still published, unchanged, in the current
 * ring. Everything that may change per call (revocation, the client's state, who asks) is for the
 * caller to check on every call, as before; invalid tokens are never remembered.
 */
public final class OwnTokens {
  /** Longest token Toolgate issues is far below this; anything bigger is not ours. */
  public static final int MAX_TOKEN_CHARS = 8 * 1024;
  public static final Set<JWSAlgorithm> ALGORITHMS = Arrays.stream(SigningAlgorithm.values()).map(SigningAlgorithm::jws).collect(Collectors.toUnmodifiableSet());
  /**
   * Verified tokens remembered. Introspection callers ask about the tokens in flight at one moment;
   * beyond this many a lookup simply verifies again. An entry is about 2 KiB (token + claims).
   */
  static final long VERIFIED_CACHE_SIZE = 10_000;

  /** A verified token, and the public key that verified it. */
  private record Verified(JwtResult.Valid result, JWK key, Instant expiresAt) {}

  private final Supplier<KeyRing> ring;
  private final Clock clock;
  private final JwtVerifier verifier;
  private final Cache<String, Verified> verified;

  public OwnTokens(Supplier<KeyRing> ring, String issuer, Clock clock) {
    this.ring = ring;
    this.clock = clock;
    // Tokens without a kid are not ours (we always set one); the ring's public keys are made once per ring.
    JwtKeys keys = kid -> kid == null ? List.of() : ring.get().asJwtKeys().candidates(kid);
    this.verifier = new JwtVerifier(keys,
        new JwtRules(issuer, Set.of(), ALGORITHMS, Set.of(AccessTokenService.AT_JWT, JOSEObjectType.JWT), Duration.ZERO, MAX_TOKEN_CHARS, true), clock);
    this.verified = Caffeine.newBuilder()
        .maximumSize(VERIFIED_CACHE_SIZE)
        .expireAfter(new UntilTokenExpiry<Verified>(Verified::expiresAt, clock))
        .build();
  }

  public JwtResult verify(String token) {
    if (token == null) {
      return verifier.verify(null);
    }
    Verified known = verified.getIfPresent(token);
    if (known != null) {
      if (stillValid(known)) {
        return known.result();
      }
      verified.invalidate(token);
    }
    JwtResult result = verifier.verify(token);
    if (result instanceof JwtResult.Valid valid) {
      // Kids are random and never reused, so the key published under this kid now is the one that verified it.
      JWK key = publishedKey(valid.kid());
      if (key != null) {
        verified.put(token, new Verified(valid, key, valid.claims().getExpirationTime().toInstant()));
      }
    }
    return result;
  }

  /** Exactly what a fresh verification would conclude about the time and the key (the rest depends on the token's bytes only). */
  private boolean stillValid(Verified known) {
    // The verifier's own test, with no clock skew: expired once now is after exp.
    if (clock.instant().isAfter(known.expiresAt())) {
      return false;
    }
    JWK now = publishedKey(known.result().kid());
    // A key with its own validity period is checked in full each time (Toolgate's keys have none).
    return now != null && now.equals(known.key()) && now.getExpirationTime() == null && now.getNotBeforeTime() == null
        && now.getKeyRevocation() == null;
  }

  private JWK publishedKey(String kid) {
    List<JWK> keys = kid == null ? List.of() : ring.get().asJwtKeys().candidates(kid);
    return keys.size() == 1 ? keys.get(0) : null;
  }
}
