package dev.toolgate.core.config;

import java.time.Duration;

/**
 * HTTP listener and forwarding limits.
 *
 * @param host interface to bind
 * @param port TCP port (0 picks a free one, for tests)
 * @param maxBodyBytes larger request bodies are refused with 413
 * @param upstreamTimeout no upstream response headers within this → 504
 * @param shutdownGrace how long a shutdown waits for in-flight requests
 */
public record ServerSettings(String host, int port, long maxBodyBytes, Duration upstreamTimeout, Duration shutdownGrace) {
  public static ServerSettings defaults() {
    return new ServerSettings("127.0.0.1", 8080, 1_048_576, Duration.ofSeconds(10), Duration.ofSeconds(10));
  }
}
