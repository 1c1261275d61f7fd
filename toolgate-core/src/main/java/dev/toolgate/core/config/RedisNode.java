package dev.toolgate.core.config;

import java.util.Objects;

/**
 * One Redis server's address: a host name or IP address (IPv6 without brackets) and a port.
 *
 * @param host host name or IP address
 * @param port TCP port, 1-65535
 */
public record RedisNode(String host, int port) {
  public RedisNode {
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535, got " + port);
    }
  }

  /** {@code host:port}, with an IPv6 address in brackets. */
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
