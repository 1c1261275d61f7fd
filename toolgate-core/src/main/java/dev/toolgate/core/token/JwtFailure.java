package dev.toolgate.core.token;

/**
 * Why {@link JwtVerifier} refused a token. Stable names: callers map them to wire codes (for
 * example {@code EXPIRED} to {@code token_expired}, everything else to {@code token_invalid}).
 */
public enum JwtFailure {
  /** Longer than {@link JwtRules#maxTokenChars()}; refused before any parsing. */
  TOO_LARGE,
  /** Not three strict base64url parts, a header or payload that is not a JSON object, a claim of the wrong type, {@code b64}. */
  MALFORMED,
  /** {@code jku}, {@code jwk}, {@code x5u} or {@code x5c}: keys are never taken from the token. */
  FORBIDDEN_HEADER,
  /** {@code none}, any MAC, an algorithm outside the rules, or one the key is not for. */
  UNSUPPORTED_ALGORITHM,
  /** No key for the {@code kid}, several, or only keys that may not verify (private, weak, wrong use). */
  UNKNOWN_KEY,
  BAD_SIGNATURE,
  EXPIRED,
  /** {@code nbf} or {@code iat} later than now plus the allowed clock skew. */
  NOT_YET_VALID,
  WRONG_ISSUER,
  WRONG_AUDIENCE,
  WRONG_TYPE,
  /** {@code exp} absent, or {@code jti} absent when the rules require it. */
  MISSING_CLAIM,
  /** {@code crit} present: this verifier understands no extension, so every one is unknown. */
  UNKNOWN_CRITICAL_HEADER
}
