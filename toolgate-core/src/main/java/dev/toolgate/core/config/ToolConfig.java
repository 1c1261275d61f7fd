package dev.toolgate.core.config;

import dev.toolgate.core.limit.ToolRateLimit;
import dev.toolgate.core.net.CidrSet;
import dev.toolgate.core.route.PathAmbiguity;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One tool: an HTTP route the platform calls, the upstream it is forwarded to, and its policy.
 *
 * @param name stable tool id (audit, API key scopes, {@code X-Toolgate-Tool})
 * @param method HTTP method, upper case, or {@code *} for any
 * @param path path pattern: literal segments, {@code {name}} for one segment, a final {@code **} for the rest
 * @param upstream where allowed calls go; if it has a path, that path (with {@code {name}} filled in)
 *     replaces the request path, otherwise the request path is kept
 * @param platform when set, only clients of this platform may call the tool
 * @param policy what a call must prove
 * @param line line in the config file where the tool is declared (for error messages)
 * @param allowedIps when set, calls must come from these networks; null: any address (the platform's list, if any, applies too)
 * @param rateLimits token buckets every allowed call consumes from; empty when unlimited
 * @param user how the end user of a call is identified and bound; null when the tool binds no user
 *     (the user token's subject, if any, is then forwarded as it is)
 * @param owner the field naming the owner of the resource the call touches; null when not checked
 * @param forwardHeaders {@link OverrideHeaders} this tool's upstream may receive (lower case); empty: none, the default
 * @param allowInPath the {@link PathAmbiguity} forms a request path may have and still reach this tool
 *     (and its upstream, unchanged); empty, the default, refuses them all
 * @param whenLimitsUnavailable what this tool's {@code rate_limits} do while the Redis that keeps them
 *     cannot answer ({@code when_limits_unavailable}); empty (also when null is given): as
 *     {@code redis.when_unavailable.rate_limits} says. Only set in a configuration with {@code redis:}
 * @param upstreamCa the CA bundle an https upstream's certificate must lead to ({@code upstream_ca});
 *     null: the JVM's trust store. Either way the certificate must name the upstream's host
 * @param mcp when set, the upstream is an MCP server and calls are judged per JSON-RPC method and
 *     MCP tool ({@code mcp:}); null for a plain HTTP tool
 */
public record ToolConfig(String name, String method, String path, URI upstream, String platform, Policy policy, int line,
    CidrSet allowedIps, List<ToolRateLimit> rateLimits, UserBinding user, Ownership owner, Set<String> forwardHeaders,
    Set<PathAmbiguity> allowInPath, Optional<WhenUnavailable> whenLimitsUnavailable, PemFile upstreamCa, McpSettings mcp) {
  public ToolConfig {
    rateLimits = rateLimits == null ? List.of() : List.copyOf(rateLimits);
    forwardHeaders = forwardHeaders == null ? Set.of() : Set.copyOf(forwardHeaders);
    allowInPath = allowInPath == null ? Set.of() : Set.copyOf(allowInPath);
    whenLimitsUnavailable = whenLimitsUnavailable == null ? Optional.empty() : whenLimitsUnavailable;
    for (String header : forwardHeaders) {
      if (!OverrideHeaders.NAMES.contains(header)) {
        throw new IllegalArgumentException("forwardHeaders may list only " + OverrideHeaders.NAMES + ", got " + header);
      }
    }
  }

  /** A plain HTTP tool (not an MCP server). */
  public ToolConfig(String name, String method, String path, URI upstream, String platform, Policy policy, int line,
      CidrSet allowedIps, List<ToolRateLimit> rateLimits, UserBinding user, Ownership owner, Set<String> forwardHeaders,
      Set<PathAmbiguity> allowInPath, Optional<WhenUnavailable> whenLimitsUnavailable, PemFile upstreamCa) {
    this(name, method, path, upstream, platform, policy, line, allowedIps, rateLimits, user, owner, forwardHeaders, allowInPath,
        whenLimitsUnavailable, upstreamCa, null);
  }

  /** With the JVM's trust store for an https upstream. */
  public ToolConfig(String name, String method, String path, URI upstream, String platform, Policy policy, int line,
      CidrSet allowedIps, List<ToolRateLimit> rateLimits, UserBinding user, Ownership owner, Set<String> forwardHeaders,
      Set<PathAmbiguity> allowInPath, Optional<WhenUnavailable> whenLimitsUnavailable) {
    this(name, method, path, upstream, platform, policy, line, allowedIps, rateLimits, user, owner, forwardHeaders, allowInPath,
        whenLimitsUnavailable, null);
  }

  /** Without a Redis fallback of its own. */
  public ToolConfig(String name, String method, String path, URI upstream, String platform, Policy policy, int line,
      CidrSet allowedIps, List<ToolRateLimit> rateLimits, UserBinding user, Ownership owner, Set<String> forwardHeaders,
      Set<PathAmbiguity> allowInPath) {
    this(name, method, path, upstream, platform, policy, line, allowedIps, rateLimits, user, owner, forwardHeaders, allowInPath, null);
  }

  /** Without forwarded override headers, allowing no ambiguous path forms. */
  public ToolConfig(String name, String method, String path, URI upstream, String platform, Policy policy, int line,
      CidrSet allowedIps, List<ToolRateLimit> rateLimits, UserBinding user, Ownership owner) {
    this(name, method, path, upstream, platform, policy, line, allowedIps, rateLimits, user, owner, Set.of(), Set.of());
  }

  /** Without user binding or ownership. */
  public ToolConfig(String name, String method, String path, URI upstream, String platform, Policy policy, int line,
      CidrSet allowedIps, List<ToolRateLimit> rateLimits) {
    this(name, method, path, upstream, platform, policy, line, allowedIps, rateLimits, null, null);
  }

  /** This tool with another policy (same everything else). */
  public ToolConfig withPolicy(Policy newPolicy) {
    return new ToolConfig(name, method, path, upstream, platform, newPolicy, line, allowedIps, rateLimits, user, owner, forwardHeaders, allowInPath,
        whenLimitsUnavailable, upstreamCa, mcp);
  }

  /** This tool verifying its https upstream against {@code ca} (null: the JVM's trust store). */
  public ToolConfig withUpstreamCa(PemFile ca) {
    return new ToolConfig(name, method, path, upstream, platform, policy, line, allowedIps, rateLimits, user, owner, forwardHeaders, allowInPath,
        whenLimitsUnavailable, ca, mcp);
  }

  /** This tool as an MCP route ({@code mcp} null: a plain HTTP tool). */
  public ToolConfig withMcp(McpSettings settings) {
    return new ToolConfig(name, method, path, upstream, platform, policy, line, allowedIps, rateLimits, user, owner, forwardHeaders, allowInPath,
        whenLimitsUnavailable, upstreamCa, settings);
  }

  /**
   * What one MCP method or tool of this route is judged by: this tool with another policy, more rate
   * limits and its own user binding and owner (the rest, name included, stays: the audit names the route).
   */
  public ToolConfig judgedAs(Policy rulePolicy, List<ToolRateLimit> limits, UserBinding ruleUser, Ownership ruleOwner) {
    return new ToolConfig(name, method, path, upstream, platform, rulePolicy, line, allowedIps, limits, ruleUser, ruleOwner, forwardHeaders,
        allowInPath, whenLimitsUnavailable, upstreamCa, mcp);
  }

  public boolean isMcp() {
    return mcp != null;
  }

  /** Without an IP allowlist or rate limits. */
  public ToolConfig(String name, String method, String path, URI upstream, String platform, Policy policy, int line) {
    this(name, method, path, upstream, platform, policy, line, null, List.of());
  }
}
