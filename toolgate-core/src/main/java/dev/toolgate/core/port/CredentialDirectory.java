package dev.toolgate.core.port;

import java.util.List;
import java.util.Optional;

/**
 * What verifiers read on the hot path. Implementations answer from memory: a request never waits
 * for a database. Revoked and expired entries are still returned so the verifier can say why.
 */
public interface CredentialDirectory {
  Optional<ClientRecord> client(String clientId);

  /** Signing secrets of the enabled clients of {@code platform} (every platform when null). */
  List<SigningSecret> signingSecrets(String platform);

  Optional<StaticToken> staticTokenByDigest(String digest);

  Optional<ApiKey> apiKeyByDigest(String digest);

  /** True when a token with this {@code jti} was revoked before its expiry. */
  boolean isRevoked(String jti);

  /**
   * How many active signing secrets of the enabled clients of {@code platform} (every platform when
   * null) this instance holds but could not decrypt (stored under a master key it lacks). A
   * signature that matches none of the others may have been made with one of them, so it is answered
   * 503, never 401. Zero on a healthy instance.
   */
  default int unreadableSigningSecrets(String platform) {
    return 0;
  }
}
