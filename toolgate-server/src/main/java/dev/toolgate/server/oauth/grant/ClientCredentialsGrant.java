package dev.toolgate.server.oauth.grant;

import dev.toolgate.server.oauth.AccessTokenService;
import dev.toolgate.server.oauth.ClientAuthenticator;
import dev.toolgate.server.oauth.FormRequest;
import dev.toolgate.server.oauth.OAuthError;
import dev.toolgate.server.store.OAuthSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * RFC 6749 §4.4: a confidential client gets a token for itself, with the scopes it is allowed and
 * the RFC 8707 resources it names (the default resource when it names none).
 */
public final class ClientCredentialsGrant implements Grant {
  private final AccessTokenService tokens;
  private final Set<String> knownResources;
  private final String defaultResource;

  public ClientCredentialsGrant(AccessTokenService tokens, Set<String> knownResources, String defaultResource) {
    this.tokens = tokens;
    this.knownResources = Set.copyOf(knownResources);
    this.defaultResource = defaultResource;
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
