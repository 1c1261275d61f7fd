package dev.toolgate.server.redis;

import dev.toolgate.core.config.RedisNode;
import dev.toolgate.core.config.RedisSettings;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.MaintNotificationsConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Lettuce built from {@link RedisSettings}: the client of each form (one server and Sentinel share
 * {@link RedisClient}; Cluster has {@link RedisClusterClient}), with the options every form shares.
 * Once connected, Lettuce reconnects by itself; until then {@link RedisConnector} retries.
 */
final class LettuceSetup {
  /** Reconnection after a dropped connection: 100 ms at first, doubling up to 2 s. */
  static final Duration RECONNECT_MIN = Duration.ofMillis(100);
  static final Duration RECONNECT_MAX = Duration.ofSeconds(2);
  /** Commands queued on one connection at most (sent and unanswered, or waiting for a connection); past it a command fails at once. */
  static final int REQUEST_QUEUE = 65_536;
  /** A cluster's topology is read again this often, and whenever a node redirects a command. */
  static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(30);

  /** An open connection and the async commands common to one server and a cluster. */
  record Link(StatefulConnection<String, String> connection, RedisClusterAsyncCommands<String, String> commands) {}

  private final ClientResources resources;
  private final AbstractRedisClient client;
  private final RedisURI standaloneUri;

  private LettuceSetup(ClientResources resources, AbstractRedisClient client, RedisURI standaloneUri) {
    this.resources = resources;
    this.client = client;
    this.standaloneUri = standaloneUri;
  }

  /** The client for these settings; nothing connects yet. */
  static LettuceSetup create(RedisSettings settings, char[] password) {
    ClientResources resources = ClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(2)
        .reconnectDelay(Delay.exponential(RECONNECT_MIN, RECONNECT_MAX, 2, TimeUnit.MILLISECONDS))
        .build();
    try {
      if (settings.topology() == RedisSettings.Topology.CLUSTER) {
        List<RedisURI> seeds = settings.nodes().stream().map(n -> serverUri(settings, n, password)).toList();
        RedisClusterClient cluster = RedisClusterClient.create(resources, seeds);
        cluster.setOptions(ClusterClientOptions.builder(options(settings, true))
            .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                .enablePeriodicRefresh(TOPOLOGY_REFRESH)
                .enableAllAdaptiveRefreshTriggers()
                .build())
            .build());
        return new LettuceSetup(resources, cluster, null);
      }
      RedisClient redis = RedisClient.create(resources);
      redis.setOptions(options(settings, false));
      RedisURI uri = settings.topology() == RedisSettings.Topology.SENTINEL
          ? sentinelUri(settings, password)
          : serverUri(settings, settings.nodes().get(0), password);
      return new LettuceSetup(resources, redis, uri);
    } catch (RuntimeException e) {
      resources.shutdown(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** One connection attempt (a cluster's reads the topology from its seeds first). */
  CompletableFuture<Link> connect() {
    if (client instanceof RedisClusterClient cluster) {
      // The async connect needs the topology read first (the blocking one reads it itself).
      return cluster.refreshPartitionsAsync().toCompletableFuture()
          .thenCompose(read -> cluster.connectAsync(StringCodec.UTF8))
          .thenApply(c -> new Link(c, c.async()));
    }
    return ((RedisClient) client).connectAsync(StringCodec.UTF8, standaloneUri).toCompletableFuture()
        .thenApply(c -> new Link(c, c.async()));
  }

  /** Closes the client and its threads, waiting at most about {@code timeout}. */
  void shutdown(Duration timeout) {
    try {
      client.shutdown(Duration.ZERO, timeout);
    } finally {
      resources.shutdown(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * What every form shares: each command fails after {@code timeout}, whatever happens to the
   * connection; no Redis Enterprise maintenance events. While one server (or the Sentinel master)
   * is disconnected, commands fail at once rather than queue, so callers fall back at once. A
   * cluster opens a connection to a node when a command first needs it and that command must wait
   * for it, so there commands wait for a connection, at most {@code timeout}.
   */
  private static ClientOptions options(RedisSettings settings, boolean cluster) {
    return ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(cluster ? ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS : ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .requestQueueSize(REQUEST_QUEUE)
        .timeoutOptions(TimeoutOptions.enabled(settings.timeout()))
        .socketOptions(SocketOptions.builder().connectTimeout(settings.connectTimeout()).keepAlive(true).build())
        .maintNotificationsConfig(MaintNotificationsConfig.disabled())
        .build();
  }

  /** A URI's own timeout bounds the connection handshake (HELLO, AUTH); commands have theirs from the options. */
  private static RedisURI serverUri(RedisSettings settings, RedisNode node, char[] password) {
    RedisURI.Builder b = RedisURI.builder().withHost(node.host()).withPort(node.port()).withDatabase(settings.database())
        .withSsl(settings.tls()).withTimeout(settings.connectTimeout()).withClientName("toolgate");
    return authenticated(b, settings, password).build();
  }

  /** The sentinels are asked without a password; the user and password are the master's. */
  private static RedisURI sentinelUri(RedisSettings settings, char[] password) {
    RedisURI.Builder b = RedisURI.builder().withSentinelMasterId(settings.sentinelMaster()).withDatabase(settings.database())
        .withSsl(settings.tls()).withTimeout(settings.connectTimeout()).withClientName("toolgate");
    for (RedisNode sentinel : settings.nodes()) {
      b.withSentinel(RedisURI.builder().withHost(sentinel.host()).withPort(sentinel.port()).withSsl(settings.tls())
          .withTimeout(settings.connectTimeout()).build());
    }
    return authenticated(b, settings, password).build();
  }

  private static RedisURI.Builder authenticated(RedisURI.Builder b, RedisSettings settings, char[] password) {
    if (password == null) {
      return b;
    }
    return settings.username() != null ? b.withAuthentication(settings.username(), password) : b.withPassword(password);
  }
}
