package dev.toolgate.server.http;

import dev.toolgate.server.mcp.McpGate;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.config.ServerSettings;
import dev.toolgate.core.engine.PolicyEngine;
import dev.toolgate.core.route.RouteTable;
import java.time.Instant;
import java.util.List;

/**
 * Everything a call is judged and forwarded by that a reload of {@code toolgate.yaml} replaces:
 * immutable, swapped whole. A call takes the one current at its start and uses only that to its end,
 * so a call in flight finishes under the configuration it started with.
 *
 * @param version the first 12 hex digits of the SHA-256 of the file's bytes (written into each audit
 *     record); null when the configuration was made in code
 * @param loadedAt when this configuration was loaded
 * @param config the configuration as served (its port the one bound)
 * @param routes the tools, by method and path
 * @param forwarding which headers cross to the upstream (every platform's and tool's credential headers stripped)
 * @param prefetch what is fetched before a step: trusted issuers' keys, users
 * @param engine the verifiers and checks of the tools' policies
 * @param endpoints Toolgate's own endpoints, in mounting order (the token endpoint and metadata follow the tools)
 * @param mcp the MCP routes: their rules per method and tool, and their sessions
 */
public record RunningConfig(String version, Instant loadedAt, GatewayConfig config, RouteTable routes, Forwarding forwarding,
    Prefetch prefetch, PolicyEngine engine, List<Endpoint> endpoints, McpGate mcp) {
  public RunningConfig {
    endpoints = List.copyOf(endpoints);
  }

  public ServerSettings settings() {
    return config.server();
  }
}
