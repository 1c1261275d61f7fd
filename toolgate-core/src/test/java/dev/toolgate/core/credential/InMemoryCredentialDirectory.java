package dev.toolgate.core.credential;

import dev.toolgate.core.port.ApiKey;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.CredentialDirectory;
import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.port.StaticToken;
import dev.toolgate.core.secret.SecretDigest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Test fixture: a {@link CredentialDirectory} held in maps, following the port's contract
 * (signing secrets only of enabled clients of the asked platform, every platform when null;
 * revoked and expired entries are still returned). Credential values are given in clear and stored
 * by digest, as the real store does.
 */
public final class InMemoryCredentialDirectory implements CredentialDirectory {
  public static final Instant CREATED = Instant.parse("2025-01-01T00:00:00Z");

  private final Map<String, ClientRecord> clients = new LinkedHashMap<>();
  private final List<SigningSecret> signingSecrets = new ArrayList<>();
  private final Map<String, StaticToken> staticTokens = new HashMap<>();
  private final Map<String, ApiKey> apiKeys = new HashMap<>();
  /** Every platform argument {@link #signingSecrets(String)} was called with, in order. */
  public final List<String> signingSecretQueries = new ArrayList<>();

  public InMemoryCredentialDirectory client(String id, String platform) {
    return client(id, platform, true);
  }

  public InMemoryCredentialDirectory client(String id, String platform, boolean enabled) {
    clients.put(id, new ClientRecord(id, "client " + id, platform, enabled, CREATED));
    return this;
  }

  public InMemoryCredentialDirectory signingSecret(String id, String clientId, String key) {
    return signingSecret(id, clientId, key, null, null);
  }

  public InMemoryCredentialDirectory signingSecret(String id, String clientId, String key, Instant expiresAt, Instant revokedAt) {
    signingSecrets.add(new SigningSecret(id, clientId, key.getBytes(StandardCharsets.UTF_8), CREATED, expiresAt, revokedAt));
    return this;
  }

  public InMemoryCredentialDirectory staticToken(String id, String clientId, String value) {
    return staticToken(id, clientId, value, null, null);
  }

  public InMemoryCredentialDirectory staticToken(String id, String clientId, String value, Instant expiresAt, Instant revokedAt) {
    String digest = SecretDigest.of(value);
    staticTokens.put(digest, new StaticToken(id, clientId, digest, CREATED, expiresAt, revokedAt, null));
    return this;
  }

  public InMemoryCredentialDirectory apiKey(String id, String clientId, String value, Set<String> tools) {
    return apiKey(id, clientId, value, tools, null, null);
  }

  public InMemoryCredentialDirectory apiKey(String id, String clientId, String value, Set<String> tools, Instant expiresAt, Instant revokedAt) {
    String digest = SecretDigest.of(value);
    apiKeys.put(digest, new ApiKey(id, clientId, digest, tools, CREATED, expiresAt, revokedAt, null));
    return this;
  }

  @Override
  public Optional<ClientRecord> client(String clientId) {
    return clientId == null ? Optional.empty() : Optional.ofNullable(clients.get(clientId));
  }

  @Override
  public List<SigningSecret> signingSecrets(String platform) {
    signingSecretQueries.add(platform);
    List<SigningSecret> out = new ArrayList<>();
    for (SigningSecret s : signingSecrets) {
      ClientRecord owner = clients.get(s.clientId());
      if (owner != null && owner.enabled() && (platform == null || platform.equals(owner.platform()))) {
        out.add(s);
      }
    }
    return out;
  }

  private final Map<String, Integer> unreadable = new HashMap<>();

  /** Says {@code count} active signing secrets of {@code platform} could not be decrypted (a master key this instance lacks). */
  public InMemoryCredentialDirectory unreadable(String platform, int count) {
    unreadable.put(platform, count);
    return this;
  }

  @Override
  public int unreadableSigningSecrets(String platform) {
    return platform == null ? unreadable.values().stream().mapToInt(Integer::intValue).sum() : unreadable.getOrDefault(platform, 0);
  }

  @Override
  public Optional<StaticToken> staticTokenByDigest(String digest) {
    return Optional.ofNullable(staticTokens.get(digest));
  }

  @Override
  public Optional<ApiKey> apiKeyByDigest(String digest) {
    return Optional.ofNullable(apiKeys.get(digest));
  }

  private final java.util.Set<String> revokedJtis = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Marks a token id as revoked. */
  public InMemoryCredentialDirectory revoke(String jti) {
    revokedJtis.add(jti);
    return this;
  }

  @Override
  public boolean isRevoked(String jti) {
    return jti != null && revokedJtis.contains(jti);
  }
}
