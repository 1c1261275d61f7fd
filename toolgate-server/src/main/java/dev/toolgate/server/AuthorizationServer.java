package dev.toolgate.server;

import dev.toolgate.core.config.AuthServerSettings;
import dev.toolgate.core.config.RegistrationSettings;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.oauth.ClientAuthenticator;
import dev.toolgate.server.oauth.IntrospectionEndpoint;
import dev.toolgate.server.oauth.OwnTokens;
import dev.toolgate.server.oauth.RevocationEndpoint;
import dev.toolgate.server.oauth.client.ClientRegistrationEndpoint;
import dev.toolgate.server.oauth.client.InitialAccessToken;
import dev.toolgate.server.oauth.client.MetadataDocumentClients;
import dev.toolgate.server.oauth.client.StoredClients;
import dev.toolgate.server.store.AuditWriter;
import dev.toolgate.server.store.AuthorizationStore;
import dev.toolgate.server.store.CredentialCache;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.server.store.UsageWriter;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * The parts of Toolgate's authorization server that live as long as the process: who clients are
 * (registered here, or by a Client ID Metadata Document), how they authenticate, the code-flow
 * state, revocation, and dynamic registration's set-up. What a configuration decides (grants,
 * resources, the authorization pages) is built from these by {@link PolicyWiring}.
 *
 * @param registration null when dynamic registration is off
 */
record AuthorizationServer(MetadataDocumentClients metadataDocuments, StoredClients clients, ClientAuthenticator clientAuth,
    AuthorizationStore authorizations, OwnTokens ownTokens, RevocationEndpoint.Revoker revoker, ClientRegistrationEndpoint.Setup registration) {

  static AuthorizationServer build(AuthServerSettings auth, String issuer, Database database, CredentialCache credentials, UsageWriter usage,
      AuditWriter audit, SharedState shared, InitialAccessToken registrationToken, Clock clock) {
    OAuthClientStore oauthClients = new OAuthClientStore(database, clock);
    MetadataDocumentClients metadataDocuments = new MetadataDocumentClients(auth.codeFlow().clientMetadata());
    StoredClients clients = new StoredClients(credentials, metadataDocuments);
    ClientAuthenticator clientAuth = new ClientAuthenticator(credentials, usage,
        Set.of(issuer, issuer + "/oauth/token", issuer + "/oauth/access_token", issuer + "/oauth/introspect", issuer + "/oauth/revoke"), clock,
        shared.quota(), clients, auth.accessTokenTtl());
    RevocationEndpoint.Revoker revoker = (jti, clientId, exp) -> {
      if (credentials.isRevoked(jti)) {
        return; // already revoked: no write, no cluster-wide reload for a repeat
      }
      oauthClients.revokeToken(jti, clientId, exp);
      credentials.markRevoked(jti); // effective here at once; other instances hear of it (PostgreSQL) or poll the revision
    };
    RegistrationSettings registration = auth.codeFlow().registration();
    ClientRegistrationEndpoint.Setup setup = registration.mode() == RegistrationSettings.Mode.OFF ? null
        : new ClientRegistrationEndpoint.Setup(registration, registrationToken, oauthClients, credentials::refresh, shared.quota(),
            auth.accessTokenTtl(), audit, clock);
    return new AuthorizationServer(metadataDocuments, clients, clientAuth, new AuthorizationStore(database, clock),
        new OwnTokens(credentials::keyRing, issuer, clock), revoker, setup);
  }

  /** Introspection and revocation: nothing in a configuration changes them. */
  List<Endpoint> endpoints(CredentialCache credentials, AuditWriter audit) {
    return List.of(
        new IntrospectionEndpoint(clientAuth, ownTokens, credentials::isRevoked, id -> credentials.client(id).map(c -> c.enabled()).orElse(false)),
        new RevocationEndpoint(clientAuth, ownTokens, revoker, authorizations, credentials::markRevoked, audit));
  }

  /** Once Vert.x runs: the metadata-document fetcher reads {@code trust_ca_file} here; one that cannot be read stops the start, naming the setting. */
  void start(Vertx vertx, AuthServerSettings auth) {
    try {
      metadataDocuments.start(vertx);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("authorization_server.client_metadata_documents.trust_ca_file ("
          + auth.codeFlow().clientMetadata().trustCaFile() + "): " + e.getMessage(), e);
    }
  }
}
