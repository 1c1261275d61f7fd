package dev.toolgate.server.oauth.grant;

import dev.toolgate.server.oauth.AccessTokenService;
import dev.toolgate.server.oauth.ClientAuthenticator;
import dev.toolgate.server.oauth.FormRequest;
import dev.toolgate.server.oauth.OAuthError;
import dev.toolgate.server.store.OAuthSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * RFC 6749 §4.4: a confidential client gets a token for itself, with the scopes it is allowed and
 * the RFC 8707 resources it names (the default resource when it names none). Not for clients that
 * registered themselves: a registration asks for the authorization code flow only, and a token of
 * their own (no user) would give anyone who may register a machine credential.
 */
public final class ClientCredentialsGrant implements Grant {
  private final AccessTokenService tokens;
  private final Set<String> knownResources;
  private final String defaultResource;
  private final Predicate<String> registeredDynamically;

  /** @param registeredDynamically whether a client id is one of a client that registered itself (RFC 7591) */
  public ClientCredentialsGrant(AccessTokenService tokens, Set<String> knownResources, String defaultResource,
      Predicate<String> registeredDynamically) {
    this.tokens = tokens;
    this.knownResources = Set.copyOf(knownResources);
    this.defaultResource = defaultResource;
    this.registeredDynamically = registeredDynamically;
  }

  @Override
  public String type() {
    return "client_credentials";
  }

  @Override
  public Result issue(ClientAuthenticator.Authenticated client, FormRequest form) {
    if (client.method().equals(OAuthSettings.NONE)) {
      return new Refused(OAuthError.unauthorizedClient("a public client cannot use client_credentials: it has no credentials to prove who it is"));
    }
    if (registeredDynamically.test(client.client().id())) {
      return new Refused(OAuthError.unauthorizedClient("a dynamically registered client may use the authorization code flow only"));
    }
    Scopes scopes = Scopes.read(form.get("scope"), client.settings().allowedScopes(), "not allowed for this client");
    if (scopes.error() != null) {
      return new Refused(scopes.error());
    }
    List<String> audience = new ArrayList<>();
    for (String resource : form.all("resource")) {
      if (!knownResources.contains(resource)) {
        return new Refused(OAuthError.invalidTarget("unknown resource; see /.well-known/oauth-protected-resource"));
      }
      if (!audience.contains(resource)) {
        audience.add(resource);
      }
    }
    if (audience.isEmpty()) {
      audience.add(defaultResource);
    }
    String clientId = client.client().id();
    return new Issued(tokens.issue(clientId, scopes.scopes(), audience, client.settings().tokenTtl()), null, clientId);
  }
}
