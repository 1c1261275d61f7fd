package dev.toolgate.server;

import com.nimbusds.jose.JWSAlgorithm;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.config.TrustedIssuer;
import dev.toolgate.core.credential.ExternalJwtVerifier;
import dev.toolgate.core.credential.UserTokenVerifier;
import dev.toolgate.core.port.VerifiedTokenCache;
import dev.toolgate.core.token.JwtRules;
import dev.toolgate.core.token.JwtVerifier;
import dev.toolgate.server.oauth.CachedVerifiedTokens;
import dev.toolgate.server.oauth.ExternalJwks;
import dev.toolgate.server.oauth.OwnTokens;
import dev.toolgate.server.store.CredentialCache;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * The external issuers {@code toolgate.yaml} trusts (wiring): each one's JWKS, fetched from the
 * configured URL only, and a verifier with its own rules and its own cache of verified tokens.
 *
 * @param jwks by issuer name, for the prefetch of keys a token names
 * @param verifiers by issuer name, for {@code external_jwt}
 */
record TrustedIssuers(Map<String, ExternalJwks> jwks, Map<String, ExternalJwtVerifier.Issuer> verifiers) {
  /** Starts fetching every trusted issuer's keys in the background: a slow issuer must not delay the start. */
  static TrustedIssuers start(GatewayConfig config, Clock clock) {
    // Only with an issuer to fetch from: building a client loads the TLS trust store and starts a thread.
    HttpClient http = config.trustedIssuers().isEmpty() ? null : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER).build();
    Map<String, ExternalJwks> jwksByIssuer = new LinkedHashMap<>();
    Map<String, ExternalJwtVerifier.Issuer> verifiers = new LinkedHashMap<>();
    for (TrustedIssuer trusted : config.trustedIssuers().values()) {
      if ("http".equals(trusted.jwksUri().getScheme()) && !isLoopback(trusted.jwksUri().getHost())) {
        // Anyone on the path could swap the keys and mint tokens: plain http only to this machine.
        throw new IllegalStateException("trusted issuer " + trusted.name() + ": jwks_uri must use https unless it is on loopback");
      }
      ExternalJwks jwks = new ExternalJwks(trusted, http, clock);
      jwks.refresh();
      jwksByIssuer.put(trusted.name(), jwks);
      Set<JWSAlgorithm> algorithms = trusted.algorithms().stream().map(JWSAlgorithm::parse).collect(Collectors.toUnmodifiableSet());
      verifiers.put(trusted.name(), new ExternalJwtVerifier.Issuer(
          new JwtVerifier(jwks.asJwtKeys(), new JwtRules(trusted.issuer(), Set.copyOf(trusted.audiences()), algorithms, Set.of(),
              trusted.clockSkew(), OwnTokens.MAX_TOKEN_CHARS * 2, false), clock),
          jwks::available, new CachedVerifiedTokens(Toolgate.VERIFIED_TOKEN_CACHE_BYTES, jwks::publishes)));
    }
    return new TrustedIssuers(jwksByIssuer, verifiers);
  }

  /**
   * User tokens from Toolgate's customer login, and from each trusted issuer (its JWKS, its rules, a
   * cache of its own: a token verified under one issuer's rules must not pass under another's).
   */
  UserTokenVerifier userTokens(JwtVerifier customerTokens, CachedVerifiedTokens customerCache, CredentialCache credentials, Clock clock) {
    Map<String, JwtVerifier> byIssuer = new HashMap<>(Map.of(Toolgate.TOOLGATE_ISSUER, customerTokens));
    Map<String, VerifiedTokenCache> caches = new HashMap<>(Map.of(Toolgate.TOOLGATE_ISSUER, customerCache));
    Map<String, BooleanSupplier> available = new HashMap<>();
    verifiers.forEach((name, issuer) -> {
      byIssuer.put(name, issuer.verifier());
      caches.put(name, new CachedVerifiedTokens(Toolgate.VERIFIED_TOKEN_CACHE_BYTES, jwks.get(name)::publishes));
      available.put(name, issuer.keysAvailable());
    });
    return new UserTokenVerifier(byIssuer, caches, available, credentials, clock);
  }

  private static boolean isLoopback(String host) {
    return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"));
  }
}
