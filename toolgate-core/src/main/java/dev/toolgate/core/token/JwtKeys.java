package dev.toolgate.core.token;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.util.List;
import java.util.function.Supplier;

/**
 * Where {@link JwtVerifier} finds the keys a token may have been signed with. The verifier does
 * not trust an implementation to filter: it still matches the kid exactly and refuses private,
 * secret, weak or wrong-use keys. Implementations only need to be fast (this runs per token).
 *
 * <p>If the key source is unavailable (an external JWKS that cannot be fetched), throw: the
 * verifier lets the exception through so the caller can answer 503 rather than calling the token
 * invalid. Refreshing on an unknown kid, and rate-limiting that, is the implementation's job.
 */
@FunctionalInterface
public interface JwtKeys {
  /**
   * @param kidOrNull the token's {@code kid}, or null if it has none
   * @return the keys with exactly that kid; for null, every key (the verifier then uses one only
   *     if exactly one of them can verify the token's algorithm). Never null.
   */
  List<JWK> candidates(String kidOrNull);

  /** Toolgate's own keys: the published keys of whatever ring the supplier returns now. */
  static JwtKeys fromKeyRing(Supplier<KeyRing> ring) {
    return kid -> ring.get().candidates(kid);
  }

  /** A JWKS, for example an external issuer's, as the supplier returns it now. */
  static JwtKeys fromJwkSet(Supplier<JWKSet> jwks) {
    return new JwkSetKeys(jwks);
  }

  /** A fixed JWKS. */
  static JwtKeys of(JWKSet jwks) {
    return new JwkSetKeys(() -> jwks);
  }
}
