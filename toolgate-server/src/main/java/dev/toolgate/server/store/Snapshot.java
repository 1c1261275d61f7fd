package dev.toolgate.server.store;

import dev.toolgate.core.port.ApiKey;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.port.StaticToken;
import java.util.List;

/**
 * Everything the hot path needs, read in one transaction, with the revision it was read at.
 *
 * @param revision the store revision this snapshot reflects
 * @param clients every client, enabled or not
 * @param signingSecrets every signing secret that could be decrypted, with its key
 * @param staticTokens every static token, revoked and expired ones included
 * @param apiKeys every API key, revoked and expired ones included
 * @param problems why some rows were left out (a signing secret sealed under another master key).
 *     Left out rather than failing the whole load, so one bad row cannot stop revocations and
 *     other changes from reaching a running server; callers log these and may refuse to start.
 */
public record Snapshot(
    long revision,
    List<ClientRecord> clients,
    List<SigningSecret> signingSecrets,
    List<StaticToken> staticTokens,
    List<ApiKey> apiKeys,
    List<String> problems) {
  public Snapshot {
    clients = List.copyOf(clients);
    signingSecrets = List.copyOf(signingSecrets);
    staticTokens = List.copyOf(staticTokens);
    apiKeys = List.copyOf(apiKeys);
    problems = List.copyOf(problems);
  }
}
