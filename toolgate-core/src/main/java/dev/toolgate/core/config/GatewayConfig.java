package dev.toolgate.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The whole of a validated {@code toolgate.yaml}. Policy only: no credentials live here. */
public record GatewayConfig(
    Path source,
    ServerSettings server,
    StoreSettings store,
    AuditSettings audit,
    Map<String, PlatformConfig> platforms,
    List<ToolConfig> tools) {

  public GatewayConfig {
    platforms = Map.copyOf(platforms);
    tools = List.copyOf(tools);
  }
}
