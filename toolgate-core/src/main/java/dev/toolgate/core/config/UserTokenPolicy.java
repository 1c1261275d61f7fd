package dev.toolgate.core.config;

import java.time.Duration;
import java.util.List;

/**
 * Where a tool finds the end-user JWT of a {@code user_token} credential, and who must have issued
 * it. At least one location is set (header, body field or query parameter); several may be, for a
 * tool called both by a platform that can set headers and by one that can only fill the body or the
 * URL. A request must carry the token in exactly one of the configured locations.
 *
 * @param header header carrying the token, lower case (e.g. {@code customer-auth}); null when not read from a header
 * @param scheme word before the token in that header (e.g. {@code JWT} in {@code customer-auth: JWT eyJ...}),
 *     matched case-insensitively; {@code ""} when the header holds the bare token; null when {@code header} is null
 * @param bodyPointer RFC 6901 JSON Pointer to a string field of the JSON body (e.g. {@code /context/jwt}); null when not read from the body
 * @param queryParam query parameter carrying the token; null when not read from the query
 * @param issuer {@link TrustedIssuer#TOOLGATE} for tokens from Toolgate's customer login, otherwise the name of an entry of {@code trusted_issuers}
 * @param scopes scopes the token must all carry; empty: any scope will do
 * @param maxAge for high-risk tools: the token must have been issued ({@code iat}) at most this long
 *     ago; null: any age within its lifetime
 * @param singleUse for high-risk tools: each token ({@code jti}) is accepted by one allowed call only
 * @param audienceIsTool for high-risk tools: the token must be minted for this tool alone (its
 *     {@code aud} holds {@link #toolAudience(String)}), so it cannot be spent on another tool
 */
public record UserTokenPolicy(String header, String scheme, String bodyPointer, String queryParam, String issuer, List<String> scopes,
    Duration maxAge, boolean singleUse, boolean audienceIsTool) {
  public static final String DEFAULT_HEADER = "customer-auth";
  public static final String DEFAULT_SCHEME = "JWT";
  /** Prefix of the audience of a token minted for one tool. */
  public static final String TOOL_AUDIENCE_PREFIX = "urn:toolgate:tool:";

  /**
   * A high-risk tool's token: it must be fresh, single-use or minted for the tool. Such a tool's
   * rate limits are never waived when they cannot be counted.
   */
  public boolean highRisk() {
    return maxAge != null || singleUse || audienceIsTool;
  }

  public UserTokenPolicy {
    scopes = List.copyOf(scopes);
    if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
      throw new IllegalArgumentException("maxAge must be positive, got " + maxAge);
    }
  }

  /** Without risk-tier limits. */
  public UserTokenPolicy(String header, String scheme, String bodyPointer, String queryParam, String issuer, List<String> scopes) {
    this(header, scheme, bodyPointer, queryParam, issuer, scopes, null, false, false);
  }

  /** The {@code aud} value of a user token minted for {@code tool} alone. */
  public static String toolAudience(String tool) {
    return TOOL_AUDIENCE_PREFIX + tool;
  }

  /** {@code customer-auth: JWT <token>}, issued by Toolgate, no scopes required: a policy requiring user_token without a section. */
  public static UserTokenPolicy defaults() {
    return new UserTokenPolicy(DEFAULT_HEADER, DEFAULT_SCHEME, null, null, TrustedIssuer.TOOLGATE, List.of());
  }

  /** True when the token must come from Toolgate's own customer login. */
  public boolean issuedByToolgate() {
    return TrustedIssuer.TOOLGATE.equals(issuer);
  }
}
