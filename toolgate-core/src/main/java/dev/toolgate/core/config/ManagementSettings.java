package dev.toolgate.core.config;

/**
 * The management interface: {@code /metrics}, {@code /healthz} and {@code /readyz} on a port of
 * their own, for the scraper and the orchestrator, not for callers. Off unless {@code management:}
 * is written (docs/observability.md says why).
 *
 * @param host interface to bind; loopback unless configured
 * @param port TCP port (0 picks a free one: the demo, tests)
 */
public record ManagementSettings(String host, int port) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** The port OpenTelemetry's Prometheus exporters use; clear of 8080, 9000 and Envoy's admin 9901. */
  public static final int DEFAULT_PORT = 9464;

  public ManagementSettings {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("management port must be 0-65535, got " + port);
    }
  }

  public static ManagementSettings defaults() {
    return new ManagementSettings(DEFAULT_HOST, DEFAULT_PORT);
  }

  /** The interface's base URL once bound to {@code boundPort}: an IPv6 address in brackets. */
  public String url(int boundPort) {
    return "http://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + boundPort;
  }

  public ManagementSettings withPort(int port) {
    return new ManagementSettings(host, port);
  }
}
