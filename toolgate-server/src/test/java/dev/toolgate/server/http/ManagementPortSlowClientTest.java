package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The management port is often bound beyond loopback (the container example: {@code host: 0.0.0.0}).
 * A client that sends a request head a byte at a time, or nothing at all, must not hold one of its
 * connections (and a file descriptor the main port needs) for ever: the main port's request head
 * deadline applies here too.
 */
class ManagementPortSlowClientTest {
  static final String TOOLS = """
        - name: anon
          method: GET
          path: /anon
          upstream: UPSTREAM
          policy: { anonymous: true }
      management: { host: 127.0.0.1, port: 0 }
      """;

  @Test
  void aHeadThatDoesNotArriveInTimeIsCutOffWith408() throws Exception {
    try (GatewayHarness h = new GatewayHarness(TOOLS, "2s", "  request_head_timeout: 300ms\n", "")) {
      h.start();
      int port = h.gateway.managementPort().orElseThrow();
      try (KeepAliveConnection slow = new KeepAliveConnection(port)) {
        String answer = slow.send("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ").untilClosed();
        assertThat(answer).startsWith("HTTP/1.1 408").contains("\"code\":\"request_timeout\"");
      }
      try (KeepAliveConnection silent = new KeepAliveConnection(port)) {
        assertThat(silent.untilClosed()).as("a connection that sends nothing").startsWith("HTTP/1.1 408");
      }
      // A scrape that sends its head at once is answered as before.
      assertThat(RawHttp.status(RawHttp.send(port, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", null))).isEqualTo(200);
    }
  }
}
