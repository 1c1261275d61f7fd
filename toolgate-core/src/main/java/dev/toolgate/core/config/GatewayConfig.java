package dev.toolgate.core.config;

import dev.toolgate.core.limit.RateLimit;
import java.net.URI;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole of a validated {@code toolgate.yaml}. Policy only: no credentials live here.
 *
 * @param authorizationServer Toolgate's own authorization server; never null (defaults derived from
 *     {@code server} when null is given)
 * @param trustedIssuers external token issuers by name, in file order; never null
 * @param failedAuthLimit how many failed authentications (401s) one client IP may cause per period
 *     before its further failures are answered 429; empty when {@code off}; null given means the
 *     default, {@link #DEFAULT_FAILED_AUTH_LIMIT}
 * @param redis the Redis that several instances share; empty (also when null is given) without a
 *     {@code redis:} section: then everything is kept in this process, as for a single instance
 * @param management the management port ({@code /metrics}, {@code /healthz}, {@code /readyz}); empty
 *     (also when null is given) without a {@code management:} section
 * @param accessLog one line per call; off when null is given
 * @param tracing the {@code tracing:} section; {@link TracingSettings#unset()} (also when null is given) without one
 */
public record GatewayConfig(
    Path source,
    ServerSettings server,
    StoreSettings store,
    AuditSettings audit,
    Map<String, PlatformConfig> platforms,
    List<ToolConfig> tools,
    AuthServerSettings authorizationServer,
    Map<String, TrustedIssuer> trustedIssuers,
    Optional<RateLimit> failedAuthLimit,
    Optional<RedisSettings> redis,
    Optional<ManagementSettings> management,
    AccessLogSettings accessLog,
    TracingSettings tracing) {
  public static final RateLimit DEFAULT_FAILED_AUTH_LIMIT = new RateLimit(20, Duration.ofMinutes(1));

  public GatewayConfig {
    failedAuthLimit = failedAuthLimit == null ? Optional.of(DEFAULT_FAILED_AUTH_LIMIT) : failedAuthLimit;
    redis = redis == null ? Optional.empty() : redis;
    management = management == null ? Optional.empty() : management;
    accessLog = accessLog == null ? AccessLogSettings.off() : accessLog;
    tracing = tracing == null ? TracingSettings.unset() : tracing;
    platforms = Map.copyOf(platforms);
    tools = List.copyOf(tools);
    if (authorizationServer == null) {
      authorizationServer = AuthServerSettings.defaults(server);
    }
    trustedIssuers = trustedIssuers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(trustedIssuers));
  }

  /** Without tracing settings. */
  public GatewayConfig(Path source, ServerSettings server, StoreSettings store, AuditSettings audit,
      Map<String, PlatformConfig> platforms, List<ToolConfig> tools, AuthServerSettings authorizationServer,
      Map<String, TrustedIssuer> trustedIssuers, Optional<RateLimit> failedAuthLimit, Optional<RedisSettings> redis,
      Optional<ManagementSettings> management, AccessLogSettings accessLog) {
    this(source, server, store, audit, platforms, tools, authorizationServer, trustedIssuers, failedAuthLimit, redis, management, accessLog, null);
  }

  /** Without a management port, an access log or tracing settings. */
  public GatewayConfig(Path source, ServerSettings server, StoreSettings store, AuditSettings audit,
      Map<String, PlatformConfig> platforms, List<ToolConfig> tools, AuthServerSettings authorizationServer,
      Map<String, TrustedIssuer> trustedIssuers, Optional<RateLimit> failedAuthLimit, Optional<RedisSettings> redis) {
    this(source, server, store, audit, platforms, tools, authorizationServer, trustedIssuers, failedAuthLimit, redis, null, null, null);
  }

  /** Without Redis. */
  public GatewayConfig(Path source, ServerSettings server, StoreSettings store, AuditSettings audit,
      Map<String, PlatformConfig> platforms, List<ToolConfig> tools, AuthServerSettings authorizationServer,
      Map<String, TrustedIssuer> trustedIssuers, Optional<RateLimit> failedAuthLimit) {
    this(source, server, store, audit, platforms, tools, authorizationServer, trustedIssuers, failedAuthLimit, null);
  }

  /** With the default failed-authentication limit, without Redis. */
  public GatewayConfig(Path source, ServerSettings server, StoreSettings store, AuditSettings audit,
      Map<String, PlatformConfig> platforms, List<ToolConfig> tools, AuthServerSettings authorizationServer,
      Map<String, TrustedIssuer> trustedIssuers) {
    this(source, server, store, audit, platforms, tools, authorizationServer, trustedIssuers, null, null);
  }

  /** Without an authorization server section or trusted issuers: both take their defaults. */
  public GatewayConfig(Path source, ServerSettings server, StoreSettings store, AuditSettings audit,
      Map<String, PlatformConfig> platforms, List<ToolConfig> tools) {
    this(source, server, store, audit, platforms, tools, null, null, null, null);
  }

  /**
   * This configuration listening on {@code port} instead of {@code server.port} ({@code serve
   * --port}: several instances sharing one file on one machine). Everything else stays as the file
   * says: the issuer and default resource derived from {@code server.port} keep the file's port, so
   * that every instance issues and accepts the same tokens. A file with {@code port: 0} is treated
   * as {@link #withBoundPort} does (the values derived from the port follow it).
   */
  public GatewayConfig withListenPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535, got " + port);
    }
    if (server.port() == 0 && port != 0) {
      return withBoundPort(port);
    }
    return new GatewayConfig(source, server.withPort(port), store, audit, platforms, tools, authorizationServer, trustedIssuers,
        failedAuthLimit, redis, management, accessLog, tracing);
  }

  /**
   * This configuration with its management interface on {@code port} ({@code serve --management-port}:
   * several instances sharing one file on one machine), on the file's {@code management.host} or loopback.
   */
  public GatewayConfig withManagementPort(int port) {
    ManagementSettings m = management.orElse(ManagementSettings.defaults()).withPort(port);
    return new GatewayConfig(source, server, store, audit, platforms, tools, authorizationServer, trustedIssuers,
        failedAuthLimit, redis, Optional.of(m), accessLog, tracing);
  }

  /**
   * This configuration as served on {@code port}, for a server configured with {@code server.port: 0}
   * (a free port, in tests): {@code server.port} becomes {@code port}, and so do the port of a
   * default issuer and of every value derived from it (the default resource, and client_token
   * audiences that took it as their default). A configuration with a fixed port is returned as is.
   */
  public GatewayConfig withBoundPort(int port) {
    if (server == null || server.port() != 0 || port == 0) {
      return this;
    }
    ServerSettings s = server.withPort(port);
    AuthServerSettings a = authorizationServer;
    String oldResource = a.defaultResource();
    if (a.issuer().getPort() == 0) {
      URI issuer = AuthServerSettings.defaultIssuer(server.host(), port, server.tls() != null);
      String resource = oldResource.equals(AuthServerSettings.resourceOf(a.issuer())) ? AuthServerSettings.resourceOf(issuer) : oldResource;
      a = new AuthServerSettings(issuer, a.signingAlgorithm(), a.accessTokenTtl(), a.maxTokenTtl(), resource,
          a.customerToken(), a.passwordHash(), a.loginThrottle(), a.codeFlow());
    }
    String newResource = a.defaultResource();
    List<ToolConfig> t = new ArrayList<>(tools.size());
    for (ToolConfig tool : tools) {
      Policy p = tool.policy();
      if (p != null && p.clientToken() != null && p.clientToken().audience().equals(oldResource) && !oldResource.equals(newResource)) {
        Policy moved = new Policy(p.require(), p.anonymous(), new ClientTokenPolicy(p.clientToken().scopes(), newResource),
            p.userToken(), p.externalJwt(), p.mtls());
        tool = tool.withPolicy(moved);
      }
      String oldOrigin = authorizationServer.issuer().getScheme() + "://" + authorizationServer.issuer().getRawAuthority() + "/";
      if (tool.mcp() != null && tool.mcp().resource().startsWith(oldOrigin) && a.issuer() != authorizationServer.issuer()) {
        // A default MCP resource is the issuer's origin with the route's path: it follows the port too.
        String path = tool.mcp().resource().substring(oldOrigin.length() - 1);
        tool = tool.withMcp(tool.mcp().withResource(a.issuer().getScheme() + "://" + a.issuer().getRawAuthority() + path));
      }
      t.add(tool);
    }
    return new GatewayConfig(source, s, store, audit, platforms, t, a, trustedIssuers, failedAuthLimit, redis, management, accessLog, tracing);
  }
}
