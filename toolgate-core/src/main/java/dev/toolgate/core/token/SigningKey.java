package dev.toolgate.core.token;

import com.nimbusds.jose.jwk.JWK;
import java.time.Instant;

/**
 * One of Toolgate's own signing keys. {@code privateJwk} carries the private part and its
 * {@code kid} and {@code alg} parameters; only {@link #publicJwk()} is ever published.
 *
 * @param retiredAt when it stopped signing (null while active or never used); it stays published
 *     until every token it signed has expired
 */
public record SigningKey(String kid, SigningAlgorithm algorithm, JWK privateJwk, Instant createdAt, Instant retiredAt) {
  public JWK publicJwk() {
    return privateJwk.toPublicJWK();
  }

  @Override
  public String toString() {
    return "SigningKey[kid=" + kid + ", alg=" + algorithm + "]";
  }
}
