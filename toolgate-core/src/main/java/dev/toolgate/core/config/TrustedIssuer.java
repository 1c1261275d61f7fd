package dev.toolgate.core.config;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An external token issuer whose JWTs tools may accept ({@code user_token} with {@code issuer: <name>},
 * or {@code external_jwt}). Its keys are fetched from {@code jwksUri}; nothing in a token's header
 * ({@code jku}, {@code x5u}, {@code jwk}) is ever followed.
 *
 * @param name the entry's name under {@code trusted_issuers} (a-z, 0-9, '_', '-'; not {@value #TOOLGATE})
 * @param issuer the exact {@code iss} claim its tokens carry (compared as a string: a trailing '/' matters)
 * @param jwksUri where its public keys are published (http or https)
 * @param audiences a token must carry at least one of these in its {@code aud} claim; never empty
 * @param algorithms JWS algorithms accepted from it, in file order (default {@code RS256}); never HMAC or {@code none}
 * @param clockSkew tolerance when checking {@code exp}, {@code nbf} and {@code iat} (default 60s, at most 5m)
 * @param jwksCacheTtl how long a fetched JWKS is used before it is fetched again (default 10m)
 * @param jwksMinRefreshInterval a token with an unknown {@code kid} refetches the JWKS at most this often (default 30s)
 * @param line line in the config file where the issuer is declared (for later messages)
 */
public record TrustedIssuer(
    String name,
    String issuer,
    URI jwksUri,
    List<String> audiences,
    Set<String> algorithms,
    Duration clockSkew,
    Duration jwksCacheTtl,
    Duration jwksMinRefreshInterval,
    int line) {

  /** The issuer name that means Toolgate itself; reserved, so no entry of trusted_issuers may use it. */
  public static final String TOOLGATE = "toolgate";
  /** Every algorithm a trusted issuer may be configured with: asymmetric signatures only. */
  public static final List<String> ALLOWED_ALGORITHMS =
      List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");
  public static final Set<String> DEFAULT_ALGORITHMS = Set.of("RS256");
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
  public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
  public static final Duration DEFAULT_JWKS_CACHE_TTL = Duration.ofMinutes(10);
  public static final Duration MAX_JWKS_CACHE_TTL = Duration.ofHours(24);
  public static final Duration DEFAULT_JWKS_MIN_REFRESH_INTERVAL = Duration.ofSeconds(30);

  public TrustedIssuer {
    audiences = List.copyOf(audiences);
    algorithms = Collections.unmodifiableSet(new LinkedHashSet<>(algorithms));
  }
}
