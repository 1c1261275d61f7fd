package dev.toolgate.core.port;

import java.time.Instant;

/** A static bearer token, known only by its digest. */
public record StaticToken(String id, String clientId, String digest, Instant createdAt, Instant expiresAt, Instant revokedAt, Instant lastUsedAt) {
  public boolean expiredAt(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }
}
