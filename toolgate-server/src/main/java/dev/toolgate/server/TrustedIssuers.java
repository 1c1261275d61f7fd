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
 * configured URL only, and a verifier with its own rules and its own caches of verified tokens.
 *
 * @param http the client JWKS are fetched with; null while no issuer is trusted
 * @param byName each trusted issuer, by name, in file order
 */
record TrustedIssuers(HttpClient http, Map<String, Trusted> byName) {
  /**
   * One trusted issuer: its configuration, its keys, its verifier of {@code external_jwt} and the
   * cache of its {@code user_token}s (a token verified under one issuer's rules must not pass under another's).
   */
  record Trusted(TrustedIssuer config, ExternalJwks jwks, ExternalJwtVerifier.Issuer verifier, CachedVerifiedTokens userTokens) {}

  /** Starts fetching every trusted issuer's keys in the background: a slow issuer must not delay the start. */
  static TrustedIssuers start(GatewayConfig config, Clock clock) {
    return start(config, clock, null);
  }

  /**
   * As {@link #start(GatewayConfig, Clock)}, for a reloaded configuration: an issuer configured exactly
   * as in {@code previous} keeps its keys and verified tokens; one that changed starts afresh, and one
   * no longer configured is gone, so its tokens stop verifying at once.
   */
  static TrustedIssuers start(GatewayConfig config, Clock clock, TrustedIssuers previous) {
    HttpClient http = previous != null ? previous.http() : null;
    // Only with an issuer to fetch from: building a client loads the TLS trust store and starts a thread.
    if (http == null && !config.trustedIssuers().isEmpty()) {
      http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    }
    Map<String, Trusted> byName = new LinkedHashMap<>();
    for (TrustedIssuer trusted : config.trustedIssuers().values()) {
      if ("http".equals(trusted.jwksUri().getScheme()) && !isLoopback(trusted.jwksUri().getHost())) {
        // Anyone on the path could swap the keys and mint tokens: plain http only to this machine.
        throw new IllegalStateException("trusted issuer " + trusted.name() + ": jwks_uri must use https unless it is on loopback");
      }
      Trusted before = previous == null ? null : previous.byName().get(trusted.name());
      byName.put(trusted.name(), before != null && sameRules(before.config(), trusted) ? before : trust(trusted, http, clock));
    }
    return new TrustedIssuers(http, byName);
  }

  private static Trusted trust(TrustedIssuer trusted, HttpClient http, Clock clock) {
    ExternalJwks jwks = new ExternalJwks(trusted, http, clock);
    jwks.refresh();
    Set<JWSAlgorithm> algorithms = trusted.algorithms().stream().map(JWSAlgorithm::parse).collect(Collectors.toUnmodifiableSet());
    ExternalJwtVerifier.Issuer verifier = new ExternalJwtVerifier.Issuer(
        new JwtVerifier(jwks.asJwtKeys(), new JwtRules(trusted.issuer(), Set.copyOf(trusted.audiences()), algorithms, Set.of(),
            trusted.clockSkew(), OwnTokens.MAX_TOKEN_CHARS * 2, false), clock),
        jwks::available, new CachedVerifiedTokens(Toolgate.VERIFIED_TOKEN_CACHE_BYTES, jwks::publishes));
    return new Trusted(trusted, jwks, verifier, new CachedVerifiedTokens(Toolgate.VERIFIED_TOKEN_CACHE_BYTES, jwks::publishes));
  }

  /** Everything that decides what its tokens must be, not where in the file it is written. */
  private static boolean sameRules(TrustedIssuer a, TrustedIssuer b) {
    return a.equals(new TrustedIssuer(b.name(), b.issuer(), b.jwksUri(), b.audiences(), b.algorithms(), b.clockSkew(),
        b.jwksCacheTtl(), b.jwksMinRefreshInterval(), a.line()));
  }

  /** Each issuer's JWKS, by name, for the prefetch of keys a token names. */
  Map<String, ExternalJwks> jwks() {
    Map<String, ExternalJwks> out = new LinkedHashMap<>();
    byName.forEach((name, t) -> out.put(name, t.jwks()));
    return out;
  }

  /** Each issuer's verifier, by name, for {@code external_jwt}. */
  Map<String, ExternalJwtVerifier.Issuer> verifiers() {
    Map<String, ExternalJwtVerifier.Issuer> out = new LinkedHashMap<>();
    byName.forEach((name, t) -> out.put(name, t.verifier()));
    return out;
  }

  /**
   * User tokens from Toolgate's customer login, and from each trusted issuer (its JWKS, its rules, a
   * cache of its own).
   */
  UserTokenVerifier userTokens(JwtVerifier customerTokens, CachedVerifiedTokens customerCache, CredentialCache credentials, Clock clock) {
    Map<String, JwtVerifier> byIssuer = new HashMap<>(Map.of(Toolgate.TOOLGATE_ISSUER, customerTokens));
    Map<String, VerifiedTokenCache> caches = new HashMap<>(Map.of(Toolgate.TOOLGATE_ISSUER, customerCache));
    Map<String, BooleanSupplier> available = new HashMap<>();
    byName.forEach((name, t) -> {
      byIssuer.put(name, t.verifier().verifier());
      caches.put(name, t.userTokens());
      available.put(name, t.verifier().keysAvailable());
    });
    return new UserTokenVerifier(byIssuer, caches, available, credentials, clock);
  }

  private static boolean isLoopback(String host) {
    return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"));
  }
}
