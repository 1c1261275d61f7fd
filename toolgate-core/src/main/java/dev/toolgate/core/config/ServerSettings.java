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
 * @param tls the listener's certificate and key ({@code server.tls}); null: plain HTTP
 */
public record ServerSettings(String host, int port, long maxBodyBytes, Duration upstreamTimeout, Duration shutdownGrace,
    TrustedProxies trustedProxies, DecisionSource decisions, Duration requestHeadTimeout, ServerTls tls) {
  public static final Duration DEFAULT_REQUEST_HEAD_TIMEOUT = Duration.ofSeconds(10);

  public ServerSettings {
    trustedProxies = trustedProxies == null ? TrustedProxies.none() : trustedProxies;
    decisions = decisions == null ? DecisionSource.defaults() : decisions;
    requestHeadTimeout = requestHeadTimeout == null ? DEFAULT_REQUEST_HEAD_TIMEOUT : requestHeadTimeout;
  }

  /** Without TLS. */
  public ServerSettings(String host, int port, long maxBodyBytes, Duration upstreamTimeout, Duration shutdownGrace,
      TrustedProxies trustedProxies, DecisionSource decisions, Duration requestHeadTimeout) {
    this(host, port, maxBodyBytes, upstreamTimeout, shutdownGrace, trustedProxies, decisions, requestHeadTimeout, null);
  }

  /** Without trusted proxies, decisions described by the default headers, the default head timeout. */
  public ServerSettings(String host, int port, long maxBodyBytes, Duration upstreamTimeout, Duration shutdownGrace) {
    this(host, port, maxBodyBytes, upstreamTimeout, shutdownGrace, null, null, null);
  }

  /** The same settings on another port. */
  public ServerSettings withPort(int port) {
    return new ServerSettings(host, port, maxBodyBytes, upstreamTimeout, shutdownGrace, trustedProxies, decisions, requestHeadTimeout, tls);
  }

  /** The same settings with {@code tls} (null: plain HTTP). */
  public ServerSettings withTls(ServerTls tls) {
    return new ServerSettings(host, port, maxBodyBytes, upstreamTimeout, shutdownGrace, trustedProxies, decisions, requestHeadTimeout, tls);
  }

  /** {@code https} with TLS, else {@code http}. */
  public String scheme() {
    return tls == null ? "http" : "https";
  }

  public static ServerSettings defaults() {
    return new ServerSettings("127.0.0.1", 8080, 1_048_576, Duration.ofSeconds(10), Duration.ofSeconds(10));
  }
}
