package dev.toolgate.core.limit;

import java.util.List;

/**
 * One {@code rate_limits} entry of a tool: a bucket of {@code limit} per distinct combination of the
 * {@code per} key kinds (e.g. per client and user).
 *
 * @param bucket whose buckets these are when not the tool's own (an MCP tool's limits:
 *     {@code <route>/<mcp tool>}); null: the tool's
 */
public record ToolRateLimit(List<LimitKey> per, RateLimit limit, String bucket) {
  public ToolRateLimit {
    per = List.copyOf(per);
    if (per.isEmpty()) {
      throw new IllegalArgumentException("a rate limit needs at least one key kind");
    }
  }

  /** A limit of the tool itself. */
  public ToolRateLimit(List<LimitKey> per, RateLimit limit) {
    this(per, limit, null);
  }

  /** This limit counted in buckets of its own, named {@code name}. */
  public ToolRateLimit countedAs(String name) {
    return new ToolRateLimit(per, limit, name);
  }
}
