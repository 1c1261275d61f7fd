package dev.toolgate.server.oauth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.toolgate.core.token.AccessTokens;
import dev.toolgate.core.token.JwtIssuer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Issues RFC 9068 JWT access tokens for authenticated clients. */
public final class AccessTokenService {
  public static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

  /** What the token endpoint answers with. */
  public record IssuedAccessToken(String token, Instant issuedAt, Duration expiresIn, String scope, String jti) {}

  private final JwtIssuer issuer;
  private final String issuerUrl;
  private final Duration maxTtl;
  private final Clock clock;

  public AccessTokenService(JwtIssuer issuer, String issuerUrl, Duration maxTtl, Clock clock) {
    this.issuer = issuer;
    this.issuerUrl = issuerUrl;
    this.maxTtl = maxTtl;
    this.clock = clock;
  }

  public IssuedAccessToken issue(String clientId, Collection<String> scopes, List<String> audience, Duration ttl) {
    // Client credentials: the client acts for itself, so it is also the subject (RFC 9068 §2.2).
    return issue(clientId, clientId, scopes, audience, ttl);
  }

  /** A token of {@code clientId} acting for the user {@code subject} (authorization code and refresh grants). */
  public IssuedAccessToken issue(String subject, String clientId, Collection<String> scopes, List<String> audience, Duration ttl) {
    Instant now = clock.instant();
    Duration lifetime = ttl.compareTo(maxTtl) > 0 ? maxTtl : ttl;
    JWTClaimsSet claims = AccessTokens.accessToken(issuerUrl, subject, clientId, audience, scopes, now, lifetime, Map.of());
    return new IssuedAccessToken(issuer.sign(claims, AT_JWT), now, lifetime, String.join(" ", scopes), claims.getJWTID());
  }
}
