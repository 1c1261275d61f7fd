package dev.toolgate.core.config;

import java.time.Duration;
import java.util.List;

/**
 * The authorization code flow of Toolgate's authorization server (MCP clients acting for a signed-in
 * user): which protected resources tokens may be asked for, how long codes and refresh tokens live,
 * and how clients are known (Client ID Metadata Documents, dynamic registration).
 *
 * @param resources RFC 8707 resource indicators accepted besides {@code default_resource} and the
 *     tools' audiences (the MCP servers behind or beside Toolgate)
 * @param codeTtl lifetime of an authorization code (default 60s, at most 10m)
 * @param refreshTokenTtl lifetime of a refresh-token family from its code exchange (default 24h, at most max_token_ttl)
 * @param refreshReuseGrace how long after its first use a refresh token may be used again (concurrent
 *     refreshes of one client) without revoking its family (default 10s, at most 60s)
 * @param clientMetadata Client ID Metadata Documents
 * @param registration dynamic client registration (RFC 7591)
 */
public record CodeFlowSettings(List<String> resources, Duration codeTtl, Duration refreshTokenTtl, Duration refreshReuseGrace,
    ClientMetadataSettings clientMetadata, RegistrationSettings registration) {
  public static final Duration DEFAULT_CODE_TTL = Duration.ofSeconds(60);
  public static final Duration MAX_CODE_TTL = Duration.ofMinutes(10);
  public static final Duration DEFAULT_REFRESH_TOKEN_TTL = Duration.ofHours(24);
  public static final Duration DEFAULT_REFRESH_REUSE_GRACE = Duration.ofSeconds(10);
  public static final Duration MAX_REFRESH_REUSE_GRACE = Duration.ofSeconds(60);

  public CodeFlowSettings {
    resources = List.copyOf(resources);
  }

  public static CodeFlowSettings defaults() {
    return new CodeFlowSettings(List.of(), DEFAULT_CODE_TTL, DEFAULT_REFRESH_TOKEN_TTL, DEFAULT_REFRESH_REUSE_GRACE,
        ClientMetadataSettings.defaults(), RegistrationSettings.defaults());
  }
}
