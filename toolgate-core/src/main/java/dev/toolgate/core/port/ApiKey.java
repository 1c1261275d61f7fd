package dev.toolgate.core.port;

import java.time.Instant;
import java.util.Set;

/** An API key, known only by its digest, valid for the named tools ({@code *} = every tool). */
public record ApiKey(String id, String clientId, String digest, Set<String> tools, Instant createdAt, Instant expiresAt, Instant revokedAt, Instant lastUsedAt) {
  public static final String ALL_TOOLS = "*";

  public ApiKey {
    tools = Set.copyOf(tools);
  }

  public boolean expiredAt(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }

  public boolean allows(String tool) {
    return tools.contains(ALL_TOOLS) || tools.contains(tool);
  }
}
