package dev.toolgate.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The top-level {@code redis:} section: where the Redis that several Toolgate instances share
 * lives, how to authenticate, how long to wait, and what each Redis-backed check does while Redis
 * cannot answer. Holds no secret: the password is named ({@link RedisPassword}) and read at start.
 *
 * @param topology one server ({@code url}), a Sentinel-monitored master ({@code sentinel}) or a Cluster ({@code cluster})
 * @param nodes standalone: the one server; sentinel: the sentinels; cluster: the seed nodes (at least one each)
 * @param sentinelMaster the name of the master the sentinels watch; null unless {@link Topology#SENTINEL}
 * @param database the logical database (standalone and sentinel; always 0 for a cluster)
 * @param tls whether connections use TLS ({@code rediss://}, or {@code tls: true} in the sentinel and cluster forms)
 * @param username the ACL user; null for the default user
 * @param password where the password comes from; empty when Redis needs none
 * @param timeout every command's deadline: past it the command fails as "Redis unavailable"
 * @param connectTimeout how long one connection attempt may take
 * @param whenUnavailable what the limits kept in Redis do while Redis cannot answer
 * @param at where {@code redis:} was written; null for settings made in code
 */
public record RedisSettings(Topology topology, List<RedisNode> nodes, String sentinelMaster, int database, boolean tls,
    String username, Optional<RedisPassword> password, Duration timeout, Duration connectTimeout, RedisFallbacks whenUnavailable,
    ConfigLocation at) {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(250);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final int DEFAULT_PORT = 6379;

  /** How the Redis deployment is reached. */
  public enum Topology { STANDALONE, SENTINEL, CLUSTER }

  public RedisSettings {
    Objects.requireNonNull(topology, "topology");
    nodes = List.copyOf(nodes);
    if (nodes.isEmpty() || topology == Topology.STANDALONE && nodes.size() != 1) {
      throw new IllegalArgumentException(topology + " needs " + (topology == Topology.STANDALONE ? "exactly one node" : "at least one node"));
    }
    if ((topology == Topology.SENTINEL) != (sentinelMaster != null)) {
      throw new IllegalArgumentException("a master name is given with, and only with, the sentinel form");
    }
    if (database < 0 || topology == Topology.CLUSTER && database != 0) {
      throw new IllegalArgumentException("database must be 0 or more, and 0 for a cluster");
    }
    password = password == null ? Optional.empty() : password;
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
    whenUnavailable = whenUnavailable == null ? RedisFallbacks.defaults() : whenUnavailable;
  }

  /** One server, no password, default timeouts and fallbacks (tests, embedding). */
  public static RedisSettings standalone(String host, int port) {
    return new RedisSettings(Topology.STANDALONE, List.of(new RedisNode(host, port)), null, 0, false, null, Optional.empty(),
        null, null, null, null);
  }

  /** What a tool's {@code rate_limits} do while Redis cannot answer: the tool's own word, else {@code when_unavailable.rate_limits}. */
  public WhenUnavailable whenLimitsUnavailable(ToolConfig tool) {
    return tool.whenLimitsUnavailable().orElse(whenUnavailable.rateLimits());
  }

  /**
   * For logs: the form and where, never a secret, e.g. {@code standalone redis://10.0.0.5:6379/0},
   * {@code sentinel master mymaster via 10.0.0.5:26379, 10.0.0.6:26379}, {@code cluster seeds 10.0.0.5:7000 (TLS)}.
   */
  public String describe() {
    String where = nodes.stream().map(RedisNode::toString).collect(Collectors.joining(", "));
    String text = switch (topology) {
      case STANDALONE -> "standalone " + (tls ? "rediss://" : "redis://") + where + "/" + database;
      case SENTINEL -> "sentinel master " + sentinelMaster + " (database " + database + ") via " + where;
      case CLUSTER -> "cluster seeds " + where;
    };
    return text + (tls && topology != Topology.STANDALONE ? " (TLS)" : "")
        + (username != null ? ", user " + username : "") + (password.isPresent() ? ", with a password" : "");
  }
}
