package dev.toolgate.server.oauth.grant;

import dev.toolgate.core.config.CodeFlowSettings;
import dev.toolgate.server.oauth.AccessTokenService;
import dev.toolgate.server.oauth.ClientAuthenticator;
import dev.toolgate.server.oauth.FormRequest;
import dev.toolgate.server.oauth.OAuthError;
import dev.toolgate.server.oauth.Pkce;
import dev.toolgate.server.store.AuthorizationStore;
import dev.toolgate.server.users.User;
import dev.toolgate.server.users.UserStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * RFC 6749 §4.1.3 with PKCE (RFC 7636, S256) and resource indicators (RFC 8707): a code from the
 * consent page becomes an access token for the signed-in user (audience: the one resource named at
 * the authorization and again here) and the first refresh token of a new family.
 *
 * <p>A code is used once. A failed check (another client, redirect URI, verifier or resource) uses
 * it up too, so a stolen code gets one try; a second exchange of a code that did issue tokens
 * revokes them (RFC 6749 §4.1.2).
 */
public final class AuthorizationCodeGrant implements Grant {
  private final AccessTokenService tokens;
  private final AuthorizationStore store;
  private final UserStore users;
  private final CodeFlowSettings settings;
  private final Consumer<String> revokedHere;
  private final Clock clock;

  /** @param revokedHere makes a revoked access token's jti refused by this instance at once (the store has it already) */
  public AuthorizationCodeGrant(AccessTokenService tokens, AuthorizationStore store, UserStore users, CodeFlowSettings settings,
      Consumer<String> revokedHere, Clock clock) {
    this.tokens = tokens;
    this.store = store;
    this.users = users;
    this.settings = settings;
    this.revokedHere = revokedHere;
    this.clock = clock;
  }

  @Override
  public String type() {
    return "authorization_code";
  }

  @Override
  public Result issue(ClientAuthenticator.Authenticated client, FormRequest form) {
    Optional<String> value = form.get("code");
    Optional<String> redirectUri = form.get("redirect_uri");
    Optional<String> verifier = form.get("code_verifier");
    if (value.isEmpty() || redirectUri.isEmpty() || verifier.isEmpty()) {
      return new Refused(OAuthError.invalidRequest("code, redirect_uri and code_verifier are required"));
    }
    List<String> resources = form.all("resource");
    if (resources.size() != 1) {
      return new Refused(OAuthError.invalidTarget("name exactly one resource, the one named in the authorization request"));
    }
    Optional<AuthorizationStore.Code> found = store.code(value.get());
    if (found.isEmpty()) {
      return new Refused(OAuthError.invalidGrant("unknown authorization code"));
    }
    AuthorizationStore.Code code = found.get();
    if (code.usedAt() != null) {
      return FamilyRevocation.refuse(store.replayed(code), revokedHere, "the authorization code was already used", "authorization code replayed");
    }
    if (!clock.instant().isBefore(code.expiresAt())) {
      return new Refused(OAuthError.invalidGrant("the authorization code has expired"));
    }
    String clientId = client.client().id();
    String problem = !code.clientId().equals(clientId) ? "the authorization code was issued to another client"
        : !code.redirectUri().equals(redirectUri.get()) ? "redirect_uri differs from the authorization request's"
        : !Pkce.verifies(verifier.get(), code.codeChallenge()) ? "code_verifier does not match the code_challenge"
        : null;
    if (problem != null) {
      store.burn(code);
      return new Refused(OAuthError.invalidGrant(problem));
    }
    if (!code.resource().equals(resources.get(0))) {
      store.burn(code);
      return new Refused(OAuthError.invalidTarget("resource differs from the one named in the authorization request"));
    }
    Optional<User> user = users.findUser(code.userId());
    if (user.isEmpty() || user.get().disabled() || user.get().passwordChangedAt().isAfter(code.createdAt())) {
      // A password reset ends what was signed in before it, as it does for customer tokens.
      store.burn(code);
      return new Refused(OAuthError.invalidGrant("the user who authorized this code cannot sign in with it any more; authorize again"));
    }
    AccessTokenService.IssuedAccessToken access = tokens.issue(code.userId(), clientId, code.scopes(), List.of(code.resource()),
        client.settings().tokenTtl());
    AuthorizationStore.Outcome outcome = store.exchange(code,
        new AuthorizationStore.AccessToken(access.jti(), access.issuedAt().plus(access.expiresIn())), settings.refreshTokenTtl());
    if (outcome instanceof AuthorizationStore.Issued issued) {
      return new Issued(access, issued.refreshToken(), code.userId());
    }
    // Another exchange of the same code won the race: both are treated as a replay.
    return FamilyRevocation.refuse(outcome, revokedHere, "the authorization code was already used", "authorization code used twice");
  }
}
