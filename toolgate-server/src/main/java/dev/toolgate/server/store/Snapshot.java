package dev.toolgate.server.store;

import dev.toolgate.core.port.ApiKey;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.port.StaticToken;
import dev.toolgate.core.token.KeyRing;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the hot path needs, read in one transaction, with the revision it was read at.
 *
 * @param revision the store revision this snapshot reflects
 * @param clients every client, enabled or not
 * @param signingSecrets every signing secret that could be decrypted, with its key
 * @param staticTokens every static token, revoked and expired ones included
 * @param apiKeys every API key, revoked and expired ones included
 * @param oauthSettings the OAuth settings of every client, by client id (defaults included)
 * @param clientSecrets every OAuth client secret, revoked and expired ones included
 * @param revokedTokenIds the jtis of revoked JWTs that have not expired (give or take {@link
 *     OAuthClientStore#REVOCATION_SKEW_MARGIN}) when the snapshot was read
 * @param keyRing the active signing key and the retired ones still published; null when the
 *     snapshot was loaded without signing keys, or when the active key could not be opened
 * @param problems why some rows were left out (a signing secret or key sealed under another
 *     master key, settings edited by hand into nonsense). Left out rather than failing the whole
 *     load, so one bad row cannot stop revocations and other changes from reaching a running
 *     server; callers log these and may refuse to start.
 * @param undecryptable the problems of credentials in use that could not be decrypted or opened:
 *     signing secrets neither revoked nor expired, and keys of the key ring. Calls that need them
 *     fail, so a server holding such a snapshot is not ready
 * @param unreadableSecretOwners the client id of each signing secret in use that could not be
 *     decrypted and is missing from {@code signingSecrets}: a signature matching no other secret of
 *     its platform is then answered 503, not 401
 * @param dynamicClientIds the clients that registered themselves (RFC 7591): they get only what a
 *     registration may ask for (no client credentials grant)
 */
public record Snapshot(
    long revision,
    List<ClientRecord> clients,
    List<SigningSecret> signingSecrets,
    List<StaticToken> staticTokens,
    List<ApiKey> apiKeys,
    Map<String, OAuthSettings> oauthSettings,
    List<ClientSecret> clientSecrets,
    Set<String> revokedTokenIds,
    KeyRing keyRing,
    List<String> problems,
    List<String> undecryptable,
    List<String> unreadableSecretOwners,
    Set<String> dynamicClientIds) {
  public Snapshot {
    clients = List.copyOf(clients);
    signingSecrets = List.copyOf(signingSecrets);
    staticTokens = List.copyOf(staticTokens);
    apiKeys = List.copyOf(apiKeys);
    oauthSettings = Map.copyOf(oauthSettings);
    clientSecrets = List.copyOf(clientSecrets);
    revokedTokenIds = Set.copyOf(revokedTokenIds);
    problems = List.copyOf(problems);
    undecryptable = List.copyOf(undecryptable);
    unreadableSecretOwners = List.copyOf(unreadableSecretOwners);
    dynamicClientIds = Set.copyOf(dynamicClientIds);
  }
}
