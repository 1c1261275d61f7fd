package dev.toolgate.core.port;

import java.time.Instant;

/**
 * A key a platform signs request bodies with (for Sendbird: the master API token). Unlike tokens it
 * must be usable as an HMAC key, so the store keeps it encrypted, not digested.
 */
public record SigningSecret(String id, String clientId, byte[] key, Instant createdAt, Instant expiresAt, Instant revokedAt) {
  public boolean activeAt(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }

  @Override
  public String toString() {
    return "SigningSecret[id=" + id + ", clientId=" + clientId + "]";
  }
}
