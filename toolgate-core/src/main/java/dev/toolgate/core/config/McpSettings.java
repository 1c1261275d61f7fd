package dev.toolgate.core.config;

import dev.toolgate.core.limit.ToolRateLimit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A tool's {@code mcp:} section: its upstream is an MCP server (Streamable HTTP), and each JSON-RPC
 * message is judged by the rule of its method or MCP tool.
 *
 * @param resource the route's public URL: the {@code aud} its tokens must carry alone, the
 *     {@code resource} of its RFC 9728 metadata and of the code flow
 * @param allowedOrigins browser origins (besides the resource's own) whose {@code Origin} is accepted;
 *     any other {@code Origin} is refused 403 (DNS-rebinding protection)
 * @param unlistedTools whether a {@code tools/call} of a tool without a rule is judged by the route's
 *     policy ({@code allow}) or refused ({@code deny})
 * @param filterToolsList whether {@code tools/list} answers list only the tools the caller may call
 * @param maxStream the longest an answer may stream (SSE) before Toolgate ends it
 * @param keepalive how often an idle SSE answer gets a comment line, so proxies keep it open; null: never
 * @param methods rules by JSON-RPC method
 * @param tools rules by MCP tool name ({@code tools/call})
 */
public record McpSettings(String resource, List<String> allowedOrigins, Unlisted unlistedTools, boolean filterToolsList, Duration maxStream,
    Duration keepalive, Map<String, McpRule> methods, Map<String, McpRule> tools) {
  public static final Duration DEFAULT_MAX_STREAM = Duration.ofHours(1);

  public enum Unlisted { ALLOW, DENY }

  public McpSettings {
    allowedOrigins = List.copyOf(allowedOrigins);
    methods = Map.copyOf(methods);
    tools = Map.copyOf(tools);
  }

  /** These settings for a route served at {@code newResource}. */
  public McpSettings withResource(String newResource) {
    return new McpSettings(newResource, allowedOrigins, unlistedTools, filterToolsList, maxStream, keepalive, methods, tools);
  }

  /** The token scopes the rules require (their own and their policies'), for the scopes a client may ask for. */
  public java.util.Set<String> ruleScopes() {
    java.util.Set<String> all = new java.util.TreeSet<>();
    java.util.stream.Stream.concat(methods.values().stream(), tools.values().stream()).forEach(r -> {
      all.addAll(r.scopes());
      if (r.policy() != null && r.policy().clientToken() != null) {
        all.addAll(r.policy().clientToken().scopes());
      }
    });
    return all;
  }

  /** The rate limits of every rule, for sizing the limiter's memory. */
  public List<ToolRateLimit> ruleLimits() {
    List<ToolRateLimit> all = new ArrayList<>();
    methods.values().forEach(r -> all.addAll(r.rateLimits()));
    tools.values().forEach(r -> all.addAll(r.rateLimits()));
    return all;
  }
}
