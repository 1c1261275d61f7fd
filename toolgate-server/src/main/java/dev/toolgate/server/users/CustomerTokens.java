package dev.toolgate.server.users;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.toolgate.core.config.UserTokenPolicy;
import dev.toolgate.core.token.JwtIssuer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Mints customer tokens ({@code token_use: customer}): for a user who logged in with a password, or
 * for a user an administrator's backend vouches for (Sendbird's flow: your server, which signed the
 * user in, puts the JWT in the messenger context). Signing and opaque ids touch the store: call it
 * on a worker thread.
 */
public final class CustomerTokens {
  /** The {@code token_use} claim of customer tokens, which tells them apart from access tokens. */
  public static final String TOKEN_USE = "customer";

  private final JwtIssuer issuer;
  private final OpaqueIds opaqueIds;
  private final CustomerLoginSettings settings;
  private final Clock clock;

  /** @param opaqueIds may be null only if {@code settings.subject()} is {@link CustomerLoginSettings.Subject#USER_ID} */
  public CustomerTokens(JwtIssuer issuer, OpaqueIds opaqueIds, CustomerLoginSettings settings, Clock clock) {
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (opaqueIds == null && settings.subject() == CustomerLoginSettings.Subject.OPAQUE_ID) {
      throw new IllegalArgumentException("customer tokens with opaque subjects need OpaqueIds");
    }
    this.opaqueIds = opaqueIds;
  }

  public CustomerLoginSettings settings() {
    return settings;
  }

  /** Whether a token may be minted for {@code tool} alone (a tool that requires a user token). */
  public boolean mintsFor(String tool) {
    return settings.tools().contains(tool);
  }

  /**
   * ASAPP's answer: {@code {"issued_at": "<ms>", "JWT": "<jwt>", "expires_in": "<s>"}}, all strings.
   *
   * @param tool the tool the token is minted for alone ({@link #mintsFor}); null for the configured audience
   */
  public JsonObject issue(User user, String tool) {
    Instant now = clock.instant();
    long issuedAtMillis = now.toEpochMilli();
    Instant iat = Instant.ofEpochSecond(now.getEpochSecond());
    Instant exp = iat.plus(settings.lifetime());
    String subject = settings.subject() == CustomerLoginSettings.Subject.OPAQUE_ID
        ? opaqueIds.idFor(settings.opaqueIdPlatform(), user.id())
        : user.id();
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .issuer(settings.issuer())
        .subject(subject)
        .audience(tool == null ? settings.audience() : List.of(UserTokenPolicy.toolAudience(tool)))
        .issueTime(Date.from(iat))
        .expirationTime(Date.from(exp))
        .jwtID(UUID.randomUUID().toString())
        .claim("token_use", TOKEN_USE);
    if (!settings.scopes().isEmpty()) {
      claims.claim("scope", String.join(" ", settings.scopes()));
    }
    String jwt = issuer.sign(claims.build(), JOSEObjectType.JWT);
    long expiresIn = Math.max(0, (exp.toEpochMilli() - issuedAtMillis) / 1000);
    return new JsonObject()
        .put("issued_at", Long.toString(issuedAtMillis))
        .put("JWT", jwt)
        .put("expires_in", Long.toString(expiresIn));
  }
}
