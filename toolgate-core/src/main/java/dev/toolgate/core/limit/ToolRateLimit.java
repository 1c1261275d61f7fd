package dev.toolgate.core.limit;

import java.util.List;

/**
 * One {@code rate_limits} entry of a tool: a bucket of {@code limit} per distinct combination of the
 * {@code per} key kinds (e.g. per client and user).
 */
public record ToolRateLimit(List<LimitKey> per, RateLimit limit) {
  public ToolRateLimit {
    per = List.copyOf(per);
    if (per.isEmpty()) {
      throw new IllegalArgumentException("a rate limit needs at least one key kind");
    }
  }
}
