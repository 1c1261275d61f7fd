package dev.toolgate.server.users;

import java.time.Instant;

/**
 * A session token of a platform user ({@code tgu_…}), as stored: its value is known only by digest.
 *
 * @param id {@code sess_…}, safe to show and log
 * @param userId the internal user
 * @param platform the platform the token was issued for
 * @param digest SHA-256 hex of the token value
 */
public record SessionToken(String id, String userId, String platform, String digest, Instant createdAt, Instant expiresAt, Instant revokedAt) {
  /** Not revoked and not yet expired at {@code now}. */
  public boolean activeAt(Instant now) {
    return revokedAt == null && expiresAt.isAfter(now);
  }
}
