package dev.toolgate.server.oauth.client;

import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.store.CredentialCache;
import dev.toolgate.server.store.OAuthSettings;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * Clients registered here (CLI, admin API, dynamic registration), answered from the in-memory
 * credential snapshot; client ids that are https URLs go to {@code metadataDocuments}.
 */
public final class StoredClients implements ClientResolver {
  private final CredentialCache credentials;
  private final ClientResolver metadataDocuments;

  /** @param metadataDocuments resolves client ids that are URLs (Client ID Metadata Documents) */
  public StoredClients(CredentialCache credentials, ClientResolver metadataDocuments) {
    this.credentials = credentials;
    this.metadataDocuments = metadataDocuments;
  }

  @Override
  public Future<Lookup> resolve(String clientId) {
    if (ClientIdUrl.isUrl(clientId)) {
      return metadataDocuments.resolve(clientId);
    }
    return Future.succeededFuture(stored(clientId));
  }

  /** A registered client of the code flow, or why not (without telling apart unknown and disabled). */
  public Lookup stored(String clientId) {
    Optional<ClientRecord> client = credentials.client(clientId);
    Optional<OAuthSettings> settings = credentials.oauthSettings(clientId);
    if (client.isEmpty() || !client.get().enabled() || settings.isEmpty()) {
      return Lookup.refused("unknown client_id");
    }
    OAuthSettings s = settings.get();
    if (s.redirectUris().isEmpty()) {
      return Lookup.refused("this client has no redirect URIs registered: it cannot use the authorization code flow");
    }
    AuthorizationClient.Source source = credentials.registeredDynamically(clientId)
        ? AuthorizationClient.Source.REGISTERED : AuthorizationClient.Source.STORED;
    return Lookup.found(new AuthorizationClient(clientId, client.get().name(), s.redirectUris(), s.authMethods(), s.jwks(), s.allowedScopes(),
        source));
  }
}
