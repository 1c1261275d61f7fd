package dev.toolgate.core.token;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Claims of Toolgate's access tokens in the JWT profile of RFC 9068. */
public final class AccessTokens {
  /** RFC 9068 §2.1: the {@code typ} of a JWT access token, so it cannot pass for an ID token or a client assertion. */
  public static final JOSEObjectType TYPE = new JOSEObjectType("at+jwt");

  /** Claims this class sets; {@code extraClaims} may not override them. */
  public static final Set<String> REGISTERED = Set.of("iss", "sub", "aud", "exp", "iat", "nbf", "jti", "client_id", "scope");

  private static final SecureRandom RANDOM = new SecureRandom();

  private AccessTokens() {}

  /**
   * @param subject the client itself for a client credentials grant, else the user
   * @param audience the resources the token is for (RFC 8707); at least one
   * @param scopes granted scopes, in order, each an RFC 6749 scope-token; empty = no {@code scope} claim
   * @param extraClaims further claims (for example an opaque customer id); never a registered one
   * @throws IllegalArgumentException on a blank issuer/subject/client, no audience, a non-positive
   *     ttl, a scope that is not a scope-token, or an extra claim that would override a registered one
   */
  public static JWTClaimsSet accessToken(String issuer, String subject, String clientId, List<String> audience,
      Collection<String> scopes, Instant now, Duration ttl, Map<String, Object> extraClaims) {
    requireText(issuer, "issuer");
    requireText(subject, "subject");
    requireText(clientId, "clientId");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(ttl, "ttl");
    if (audience == null || audience.isEmpty()) {
      throw new IllegalArgumentException("an access token needs an audience");
    }
    audience.forEach(a -> requireText(a, "audience"));
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive");
    }
    Set<String> scopeSet = new LinkedHashSet<>(scopes == null ? List.of() : scopes);
    scopeSet.forEach(AccessTokens::requireScopeToken);
    // NumericDates are whole seconds; truncating here keeps exp - iat exactly the ttl.
    Instant issuedAt = now.truncatedTo(ChronoUnit.SECONDS);
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .issuer(issuer)
        .subject(subject)
        .audience(List.copyOf(audience))
        .expirationTime(Date.from(issuedAt.plus(ttl)))
        .issueTime(Date.from(issuedAt))
        .jwtID(newJti())
        .claim("client_id", clientId);
    if (!scopeSet.isEmpty()) {
      claims.claim("scope", String.join(" ", scopeSet));
    }
    if (extraClaims != null) {
      for (Map.Entry<String, Object> extra : extraClaims.entrySet()) {
        if (REGISTERED.contains(extra.getKey())) {
          throw new IllegalArgumentException("extra claim " + extra.getKey() + " would override a registered claim");
        }
        claims.claim(extra.getKey(), extra.getValue());
      }
    }
    return claims.build();
  }

  /** 128 random bits, base64url without padding (22 characters). */
  public static String newJti() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  /** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
  private static void requireScopeToken(String scope) {
    if (scope == null || scope.isEmpty()) {
      throw new IllegalArgumentException("a scope must not be empty");
    }
    for (int i = 0; i < scope.length(); i++) {
      char c = scope.charAt(i);
      if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') {
        throw new IllegalArgumentException("scope " + scope + " has a character RFC 6749 does not allow");
      }
    }
  }
}
