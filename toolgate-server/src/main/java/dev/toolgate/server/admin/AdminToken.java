package dev.toolgate.server.admin;

import java.time.Instant;
import java.util.Objects;

/**
 * A bearer token of the admin API ({@code tga_…}), as stored: its value is known only by digest.
 *
 * @param id {@code adm_…}, safe to show and log
 * @param name a label saying who or what holds it ({@code ops}, {@code ci})
 * @param role what it may do; fixed at creation
 * @param digest SHA-256 hex of the token value
 * @param expiresAt null: never
 */
public record AdminToken(String id, String name, AdminRole role, String digest, Instant createdAt, Instant expiresAt, Instant revokedAt,
    Instant lastUsedAt) {
  public AdminToken {
    Objects.requireNonNull(role, "role");
  }

  /** Not revoked and not expired at {@code now}. */
  public boolean activeAt(Instant now) {
    return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
  }
}
