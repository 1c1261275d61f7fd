package dev.toolgate.server.oauth.grant;

import dev.toolgate.server.oauth.AccessTokenService;
import dev.toolgate.server.oauth.ClientAuthenticator;
import dev.toolgate.server.oauth.FormRequest;
import dev.toolgate.server.oauth.OAuthError;

/**
 * One {@code grant_type} of the token endpoint. The endpoint reads the form and authenticates the
 * client; a grant decides what, if anything, that client gets. Blocking: called on a worker thread
 * (the store and signing).
 */
public interface Grant {
  /** The {@code grant_type} value it answers. */
  String type();

  Result issue(ClientAuthenticator.Authenticated client, FormRequest form);

  /** A grant's answer: tokens, or the error to send. */
  sealed interface Result {}

  /**
   * @param refreshToken null when the grant issues none
   * @param subject whom the token acts for (the user; the client itself for client credentials), for the audit
   */
  record Issued(AccessTokenService.IssuedAccessToken access, String refreshToken, String subject) implements Result {}

  /** @param detail for the audit only (the client sees {@code error}) */
  record Refused(OAuthError error, String detail) implements Result {
    public Refused(OAuthError error) {
      this(error, error.description());
    }
  }
}
