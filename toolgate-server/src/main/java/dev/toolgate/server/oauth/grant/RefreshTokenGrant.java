package dev.toolgate.server.oauth.grant;

import dev.toolgate.core.config.CodeFlowSettings;
import dev.toolgate.server.oauth.AccessTokenService;
import dev.toolgate.server.oauth.ClientAuthenticator;
import dev.toolgate.server.oauth.FormRequest;
import dev.toolgate.server.oauth.OAuthError;
import dev.toolgate.server.store.AuthorizationStore;
import dev.toolgate.server.store.OAuthSettings;
import dev.toolgate.server.users.User;
import dev.toolgate.server.users.UserStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * RFC 6749 §6 with rotation (RFC 9700 §4.14.2): every refresh returns a new refresh token. A token
 * used again within {@link CodeFlowSettings#refreshReuseGrace()} of the first use of its generation
 * also gets one (MCP clients refresh concurrently); any other reuse of a superseded token is taken
 * for theft and revokes the whole family with its access tokens. Scope and resource may only narrow.
 */
public final class RefreshTokenGrant implements Grant {
  private final AccessTokenService tokens;
  private final AuthorizationStore store;
  private final UserStore users;
  private final CodeFlowSettings settings;
  private final Consumer<String> revokedHere;
  private final Function<String, Optional<OAuthSettings>> registeredSettings;
  private final Clock clock;

  /** @param registeredSettings a registered client's current settings (none for a client known by its metadata document) */
  public RefreshTokenGrant(AccessTokenService tokens, AuthorizationStore store, UserStore users, CodeFlowSettings settings,
      Consumer<String> revokedHere, Function<String, Optional<OAuthSettings>> registeredSettings, Clock clock) {
    this.registeredSettings = registeredSettings;
    this.tokens = tokens;
    this.store = store;
    this.users = users;
    this.settings = settings;
    this.revokedHere = revokedHere;
    this.clock = clock;
  }

  @Override
  public String type() {
    return "refresh_token";
  }

  @Override
  public Result issue(ClientAuthenticator.Authenticated client, FormRequest form) {
    Optional<String> value = form.get("refresh_token");
    if (value.isEmpty()) {
      return new Refused(OAuthError.invalidRequest("refresh_token is required"));
    }
    Optional<AuthorizationStore.Refresh> found = store.refresh(value.get());
    String clientId = client.client().id();
    // Another client's token is answered like an unknown one: no probing of other clients' tokens.
    if (found.isEmpty() || !found.get().clientId().equals(clientId)) {
      return new Refused(OAuthError.invalidGrant("unknown refresh token"));
    }
    AuthorizationStore.Refresh token = found.get();
    if (token.revokedAt() != null) {
      return new Refused(OAuthError.invalidGrant("the refresh token was revoked"));
    }
    if (!clock.instant().isBefore(token.familyExpiresAt())) {
      return new Refused(OAuthError.invalidGrant("the refresh token has expired; authorize again"));
    }
    List<String> resources = form.all("resource");
    if (resources.size() > 1 || resources.size() == 1 && !resources.get(0).equals(token.resource())) {
      return new Refused(OAuthError.invalidTarget("a refresh may only name the resource the grant was for: " + token.resource()));
    }
    // A registered client keeps only what it is still allowed: scopes an administrator took away end at the next refresh.
    Set<String> granted = new LinkedHashSet<>(token.scopes());
    registeredSettings.apply(clientId).ifPresent(s -> granted.retainAll(s.allowedScopes()));
    Scopes scopes = Scopes.read(form.get("scope"), granted, "not part of this grant");
    if (scopes.error() != null) {
      return new Refused(scopes.error());
    }
    Optional<User> user = users.findUser(token.userId());
    if (user.isEmpty() || user.get().disabled() || user.get().passwordChangedAt().isAfter(token.familyCreatedAt())) {
      return new Refused(OAuthError.invalidGrant("the user of this grant cannot sign in with it any more; authorize again"));
    }
    AccessTokenService.IssuedAccessToken access = tokens.issue(token.userId(), clientId, scopes.scopes(), List.of(token.resource()),
        client.settings().tokenTtl());
    AuthorizationStore.Outcome outcome = store.rotate(token, scopes.scopes(),
        new AuthorizationStore.AccessToken(access.jti(), access.issuedAt().plus(access.expiresIn())), settings.refreshReuseGrace());
    if (outcome instanceof AuthorizationStore.Issued issued) {
      return new Issued(access, issued.refreshToken(), token.userId());
    }
    return FamilyRevocation.refuse(outcome, revokedHere, "the refresh token was already used", "refresh token reused after rotation");
  }
}
