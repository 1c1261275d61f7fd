package dev.toolgate.core.config;

import dev.toolgate.core.limit.ToolRateLimit;
import java.util.List;

/**
 * What one MCP method ({@code mcp.methods.<method>}) or one MCP tool ({@code mcp.tools.<name>}) of an
 * MCP route needs beyond, or instead of, the route's own policy. Body fields of {@code user} and
 * {@code owner} are JSON Pointers into the message's {@code params} (a method's rule) or
 * {@code params.arguments} (a tool's rule), as written in the file.
 *
 * @param key {@code tools/call <name>} for a tool's rule, the method name for a method's rule
 * @param deny the method or tool is refused to every caller
 * @param policy replaces the route's policy; null: the route's
 * @param scopes required on top of the policy's token scopes ({@code client_token} or {@code external_jwt})
 * @param rateLimits counted in buckets of this rule's own, on top of the route's limits
 * @param user replaces the route's user binding; null: the route's
 * @param owner the field naming the owner of what the call touches; null: not checked
 */
public record McpRule(String key, boolean deny, Policy policy, List<String> scopes, List<ToolRateLimit> rateLimits, UserBinding user,
    Ownership owner) {
  public McpRule {
    scopes = scopes == null ? List.of() : List.copyOf(scopes);
    rateLimits = rateLimits == null ? List.of() : List.copyOf(rateLimits);
  }
}
