package dev.toolgate.server.oauth.grant;

import dev.toolgate.server.oauth.OAuthError;
import dev.toolgate.server.store.AuthorizationStore;
import java.util.function.Consumer;

/** The answer to a replayed code or a reused refresh token, once the store has revoked what it issued. */
final class FamilyRevocation {
  private FamilyRevocation() {}

  /**
   * Makes the revoked access tokens refused here at once and says what happened; a {@link
   * AuthorizationStore.Refused} outcome (nothing was issued to revoke) is just refused.
   *
   * @param what what was used again, for the audit ("authorization code replayed")
   */
  static Grant.Refused refuse(AuthorizationStore.Outcome outcome, Consumer<String> revokedHere, String description, String what) {
    if (outcome instanceof AuthorizationStore.Revoked revoked) {
      revoked.accessTokens().forEach(t -> revokedHere.accept(t.jti()));
      return new Grant.Refused(OAuthError.invalidGrant(description + "; every token issued for it is now revoked"),
          what + ": family " + revoked.familyId() + " revoked with " + revoked.accessTokens().size() + " live access token(s)");
    }
    String reason = outcome instanceof AuthorizationStore.Refused refused ? refused.reason() : description;
    return new Grant.Refused(OAuthError.invalidGrant(reason));
  }
}
