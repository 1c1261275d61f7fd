package dev.toolgate.server.oauth;

/**
 * An RFC 6749 §5.2 error answer (also used by RFC 7009/7662/8707 endpoints).
 *
 * @param basicChallenge true when the client tried HTTP Basic, so a 401 must carry a Basic challenge
 */
public record OAuthError(int status, String error, String description, boolean basicChallenge) {
  public static OAuthError invalidRequest(String description) {
    return new OAuthError(400, "invalid_request", description, false);
  }

  public static OAuthError invalidClient(String description, boolean basic) {
    return new OAuthError(401, "invalid_client", description, basic);
  }

  public static OAuthError invalidScope(String description) {
    return new OAuthError(400, "invalid_scope", description, false);
  }

  public static OAuthError invalidTarget(String description) {
    return new OAuthError(400, "invalid_target", description, false);
  }

  public static OAuthError unsupportedGrantType(String description) {
    return new OAuthError(400, "unsupported_grant_type", description, false);
  }

  /** A dependency (the shared state) cannot answer now: 503, retried later. */
  public static OAuthError temporarilyUnavailable(String description) {
    return new OAuthError(503, "temporarily_unavailable", description, false);
  }

  public static OAuthError invalidGrant(String description) {
    return new OAuthError(400, "invalid_grant", description, false);
  }

  public static OAuthError unauthorizedClient(String description) {
    return new OAuthError(400, "unauthorized_client", description, false);
  }
}
