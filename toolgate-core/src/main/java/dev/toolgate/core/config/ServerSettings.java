package dev.toolgate.core.config;

import dev.toolgate.core.net.CidrSet;
import java.time.Duration;
import java.util.List;

/**
 * HTTP listener and forwarding limits.
 *
 * @param host interface to bind
 * @param port TCP port (0 picks a free one, for tests)
 * @param maxBodyBytes larger request bodies are refused with 413
 * @param upstreamTimeout no upstream response headers within this → 504
 * @param shutdownGrace how long a shutdown waits for in-flight requests
 * @param trustedProxies peers whose {@code X-Forwarded-For}/{@code Forwarded} headers are believed; empty
 *     (the default): those headers are ignored and the connection peer is the client
 * @param requestHeadTimeout a request line and headers not complete this long after the connection
 *     opened, or after the first byte of a later request on it, get 408 and the connection is closed
 */
public record ServerSettings(String host, int port, long maxBodyBytes, Duration upstreamTimeout, Duration shutdownGrace, CidrSet trustedProxies,
    Duration requestHeadTimeout) {
  public static final Duration DEFAULT_REQUEST_HEAD_TIMEOUT = Duration.ofSeconds(10);

  public ServerSettings {
    trustedProxies = trustedProxies == null ? new CidrSet(List.of()) : trustedProxies;
    requestHeadTimeout = requestHeadTimeout == null ? DEFAULT_REQUEST_HEAD_TIMEOUT : requestHeadTimeout;
  }

  /** With the default request head timeout. */
  public ServerSettings(String host, int port, long maxBodyBytes, Duration upstreamTimeout, Duration shutdownGrace, CidrSet trustedProxies) {
    this(host, port, maxBodyBytes, upstreamTimeout, shutdownGrace, trustedProxies, null);
  }

  /** Without trusted proxies. */
  public ServerSettings(String host, int port, long maxBodyBytes, Duration upstreamTimeout, Duration shutdownGrace) {
    this(host, port, maxBodyBytes, upstreamTimeout, shutdownGrace, null, null);
  }

  public static ServerSettings defaults() {
    return new ServerSettings("127.0.0.1", 8080, 1_048_576, Duration.ofSeconds(10), Duration.ofSeconds(10));
  }
}
