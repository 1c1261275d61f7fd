package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Hostile framing and upstream tricks found in review, each pinned by a test over real sockets. The
 * lasting hostile-input suite (paths, smuggling, spoofed headers, signed-body tricks) is in
 * {@code hostile/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayHardeningTest {
  GatewayHarness h;
  ServerSocket switchingUpstream;

  @BeforeAll
  void start() throws Exception {
    // An upstream that answers every request with "101 Switching Protocols" and a payload.
    switchingUpstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!switchingUpstream.isClosed()) {
        try (Socket s = switchingUpstream.accept()) {
          InputStream in = s.getInputStream();
          byte[] buf = new byte[4096];
          in.read(buf);
          OutputStream out = s.getOutputStream();
          out.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: evil\r\nConnection: Upgrade\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          Thread.sleep(200);
        } catch (Exception e) {
          // closed
        }
      }
    });
    t.setDaemon(true);
    t.start();
    h = new GatewayHarness("""
          - name: anon
            method: "*"
            path: /anon/**
            upstream: UPSTREAM
            policy: { anonymous: true }
          - name: keyed
            platform: sendbird
            method: GET
            path: /keyed
            upstream: UPSTREAM
            policy: { require: [api_key] }
          - name: switching
            method: GET
            path: /switch
            upstream: http://127.0.0.1:%d
            policy: { anonymous: true }
        """.formatted(switchingUpstream.getLocalPort()), "10s").start(); // a slow 101 on a busy machine is still no timeout
  }

  @AfterAll
  void stop() throws Exception {
    h.close();
    switchingUpstream.close();
  }

  @Test
  void http2CleartextIsNotSpoken() throws Exception {
    String response = RawHttp.send(h.gateway.port(), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
    // Not an HTTP/2 SETTINGS frame back: the connection is refused or answered as bad HTTP/1.x.
    assertThat(response.isEmpty() || response.startsWith("HTTP/") && !response.startsWith("HTTP/2.0 200")).as(response).isTrue();
  }

  @Test
  void streamedBodyOverTheLimitIs413NotAnUpstreamFailure() throws Exception {
    String head = "POST /anon/upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    String chunk = Integer.toHexString(3000) + "\r\n" + "b".repeat(3000) + "\r\n";
    String response = RawHttp.send(h.gateway.port(), head, (chunk + chunk + "0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    assertThat(RawHttp.status(response)).isEqualTo(413);
    assertThat(response).contains("\"code\":\"body_too_large\"");
  }

  @Test
  void anUpstreamSwitchingProtocolsIsAnUpstreamFailureNotATunnel() throws Exception {
    try (ServerLog log = ServerLog.capture()) {
      String response = RawHttp.send(h.gateway.port(), "GET /switch HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", null);
      assertThat(RawHttp.status(response)).isEqualTo(502);
      assertThat(response).doesNotContain("smuggled");
      // The upstream's exchange is reset on purpose: that is no error with a stack trace in the log.
      assertThat(log.lines()).noneMatch(line -> line.contains("Stream reset") || line.contains("\tat "));
    }
  }
}
