package dev.toolgate.core.token;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link JwtVerifier} accepts. Fixed when the verifier is made; nothing in a token changes it.
 *
 * @param issuer the exact {@code iss} required; null = not checked
 * @param audiences accepted {@code aud} values, any one suffices; empty = not checked
 * @param algorithms accepted {@code alg} values: a subset of RS256/384/512, PS256/384/512,
 *     ES256/384/512 and EdDSA. {@code none} and MAC algorithms (HS*) are refused here, so a rule
 *     set that could accept them cannot even be built.
 * @param acceptedTypes accepted {@code typ} values, compared case-insensitively with an optional
 *     {@code application/} prefix (RFC 7515 §4.1.9); empty = any, or none
 * @param clockSkew tolerance applied to {@code exp}, {@code nbf} and {@code iat}
 * @param maxTokenChars longer tokens are refused before any parsing
 * @param requireJti whether a token without {@code jti} is refused
 */
public record JwtRules(
    String issuer,
    Set<String> audiences,
    Set<JWSAlgorithm> algorithms,
    Set<JOSEObjectType> acceptedTypes,
    Duration clockSkew,
    int maxTokenChars,
    boolean requireJti) {

  public JwtRules {
    audiences = audiences == null ? Set.of() : Set.copyOf(audiences);
    acceptedTypes = acceptedTypes == null ? Set.of() : Set.copyOf(acceptedTypes);
    Objects.requireNonNull(algorithms, "algorithms");
    if (algorithms.isEmpty()) {
      throw new IllegalArgumentException("at least one algorithm must be accepted");
    }
    for (JWSAlgorithm alg : algorithms) {
      String name = alg.getName();
      if (name.equalsIgnoreCase("none")) {
        throw new IllegalArgumentException("alg none (unsigned tokens) can never be accepted");
      }
      if (name.regionMatches(true, 0, "HS", 0, 2)) {
        throw new IllegalArgumentException("MAC algorithms (" + name + ") are not accepted: anyone who can verify could also sign");
      }
      if (!KeyPolicy.SUPPORTED.contains(alg)) {
        throw new IllegalArgumentException("unsupported algorithm " + name + "; supported: RS256/384/512, PS256/384/512, ES256/384/512, EdDSA");
      }
    }
    algorithms = Set.copyOf(algorithms);
    Objects.requireNonNull(clockSkew, "clockSkew");
    if (clockSkew.isNegative()) {
      throw new IllegalArgumentException("clockSkew must not be negative");
    }
    if (maxTokenChars <= 0) {
      throw new IllegalArgumentException("maxTokenChars must be positive");
    }
  }
}
