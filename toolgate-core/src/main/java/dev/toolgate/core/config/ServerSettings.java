package dev.toolgate.core.config;

import dev.toolgate.core.net.TrustedProxies;
import java.time.Duration;

/**
 * HTTP listener and forwarding limits.
 *
 * @param host interface to bind
 * @param port TCP port (0 picks a free one, for tests)
 * @param maxBodyBytes larger request bodies are refused with 413
 * @param upstreamTimeout no upstream response headers within this → 504
 * @param shutdownGrace how long a shutdown waits for in-flight requests
 * @param trustedProxies who may say who the client is, in which header, over how many hops; none
 *     (the default): forwarding headers are ignored and the connection peer is the client
 * @param decisions where the decision API reads the call it judges
 * @param requestHeadTimeout a request line and headers not complete this long after the connection
 *     opened, or after the first byte of a later request on it, get 408 and the connection is closed
 */
public record ServerSettings(String host, int port, long maxBodyBytes, Duration upstreamTimeout, Duration shutdownGrace,
    TrustedProxies trustedProxies, DecisionSource decisions, Duration requestHeadTimeout) {
  public static final Duration DEFAULT_REQUEST_HEAD_TIMEOUT = Duration.ofSeconds(10);

  public ServerSettings {
    trustedProxies = trustedProxies == null ? TrustedProxies.none() : trustedProxies;
    decisions = decisions == null ? DecisionSource.defaults() : decisions;
    requestHeadTimeout = requestHeadTimeout == null ? DEFAULT_REQUEST_HEAD_TIMEOUT : requestHeadTimeout;
  }

  /** Without trusted proxies, decisions described by the default headers, the default head timeout. */
  public ServerSettings(String host, int port, long maxBodyBytes, Duration upstreamTimeout, Duration shutdownGrace) {
    this(host, port, maxBodyBytes, upstreamTimeout, shutdownGrace, null, null, null);
  }

  /** The same settings on another port. */
  public ServerSettings withPort(int port) {
    return new ServerSettings(host, port, maxBodyBytes, upstreamTimeout, shutdownGrace, trustedProxies, decisions, requestHeadTimeout);
  }

  public static ServerSettings defaults() {
    return new ServerSettings("127.0.0.1", 8080, 1_048_576, Duration.ofSeconds(10), Duration.ofSeconds(10));
  }
}
