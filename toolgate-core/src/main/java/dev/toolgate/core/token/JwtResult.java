package dev.toolgate.core.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;

/** What {@link JwtVerifier#verify} concluded. Data, not an exception: a bad token is an ordinary outcome. */
public sealed interface JwtResult {
  /**
   * @param kid the {@code kid} of the key that verified the signature (null if that key has none)
   * @param algorithm the algorithm the signature was checked with
   */
  record Valid(JWTClaimsSet claims, String kid, JWSAlgorithm algorithm) implements JwtResult {}

  /**
   * @param detail a short sentence for logs and decision traces; it never contains the token, its
   *     signature or claim values that could be secret (kid, alg, iss and aud values may appear)
   */
  record Invalid(JwtFailure failure, String detail) implements JwtResult {}
}
