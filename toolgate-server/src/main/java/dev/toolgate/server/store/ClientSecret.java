package dev.toolgate.server.store;

import java.time.Instant;

/**
 * An OAuth client secret ({@code client_secret_basic} / {@code client_secret_post}), known only by
 * the SHA-256 digest of its value. Not to be confused with the signing secrets a platform signs
 * request bodies with.
 *
 * @param id public id, {@code cs_…}; safe to log and show
 * @param clientId the client it authenticates, which is also the OAuth {@code client_id}
 * @param digest SHA-256 hex of the value ({@code tgc_…})
 * @param expiresAt null: does not expire
 * @param revokedAt null: not revoked
 * @param lastUsedAt null: never used (updated in batches, so it lags a little)
 */
public record ClientSecret(
    String id, String clientId, String digest, Instant createdAt, Instant expiresAt, Instant revokedAt, Instant lastUsedAt) {
  public boolean expiredAt(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }

  /** Neither revoked nor expired at {@code now}. (Whether the client is enabled is a separate check.) */
  public boolean usableAt(Instant now) {
    return revokedAt == null && !expiredAt(now);
  }
}
