package dev.toolgate.core.config;

import java.util.List;

/**
 * How a tool checks an {@code external_jwt}: a JWT issued by a trusted external issuer and verified
 * with that issuer's JWKS (audiences, algorithms and clock skew come from the {@link TrustedIssuer}).
 *
 * @param issuer name of the entry of {@code trusted_issuers} that must have issued the token
 * @param header header carrying the token, lower case (default {@code authorization})
 * @param scheme word before the token in that header (default {@code Bearer}), matched
 *     case-insensitively; {@code ""} when the header holds the bare token
 * @param scopes scopes the token must all carry (from its {@code scope} claim); empty: any scope will do
 */
public record ExternalJwtPolicy(String issuer, String header, String scheme, List<String> scopes) {
  public static final String DEFAULT_HEADER = "authorization";
  public static final String DEFAULT_SCHEME = "Bearer";

  public ExternalJwtPolicy {
    scopes = List.copyOf(scopes);
  }
}
