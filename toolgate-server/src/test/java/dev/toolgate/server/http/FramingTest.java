package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Request framing over raw sockets: the Host header (RFC 9112 §3.2) on every kind of path, and the
 * request head deadline against slow clients (slowloris), which must not cut connections in use.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FramingTest {
  static final String HALF_A_HEAD = "GET /anon/slow HTTP/1.1\r\nHost: x\r\nX-Slow: ";

  GatewayHarness h;

  @BeforeAll
  void start() throws Exception {
    h = new GatewayHarness("""
          - name: anon
            method: "*"
            path: /anon/**
            upstream: UPSTREAM
            policy: { anonymous: true }
        """, "2s", "  request_head_timeout: 300ms\n", "").start();
  }

  @AfterAll
  void stop() {
    h.close();
  }

  String send(String head) throws Exception {
    return RawHttp.send(h.gateway.port(), head, null);
  }

  // ---- Host ----

  @Test
  void twoHostHeadersAreRefusedOnToolsOwnEndpointsAndDecisions() throws Exception {
    for (String target : List.of("/anon/x", "/decisions", "/.well-known/jwks.json", "/oauth/token", "/healthz")) {
      String described = target.equals("/decisions") ? "X-Original-URI: /anon/x\r\nX-Original-Method: GET\r\n" : "";
      String one = send("GET " + target + " HTTP/1.1\r\nHost: x\r\n" + described + "Connection: close\r\n\r\n");
      assertThat(RawHttp.status(one)).as(target + " with one Host: " + one).isNotEqualTo(400);
      int hits = h.upstream.hits.get();
      for (String hosts : List.of("Host: x\r\nHost: x\r\n", "Host: x\r\nhost: evil\r\n", "Host: x\r\nHOST: \r\n")) {
        String two = send("GET " + target + " HTTP/1.1\r\n" + hosts + described + "Connection: close\r\n\r\n");
        assertThat(RawHttp.status(two)).as(target + " " + hosts + two).isEqualTo(400);
        assertThat(two).contains("application/problem+json").contains("more than one Host header");
      }
      assertThat(h.upstream.hits.get()).as("upstream untouched").isEqualTo(hits);
    }
  }

  @Test
  void anHttp11RequestWithoutHostOrWithAnInvalidHostIsRefused() throws Exception {
    int hits = h.upstream.hits.get();
    for (String target : List.of("/anon/x", "/.well-known/jwks.json")) {
      String none = send("GET " + target + " HTTP/1.1\r\nConnection: close\r\n\r\n");
      assertThat(RawHttp.status(none)).as(none).isEqualTo(400);
      assertThat(none).contains("must carry a Host header");
      for (String host : List.of("a b", "a/b", "a@b", "[::1", "x:port")) {
        String bad = send("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
        assertThat(RawHttp.status(bad)).as(host + ": " + bad).isEqualTo(400);
        assertThat(bad).contains("not a valid host[:port]");
      }
    }
    assertThat(h.upstream.hits.get()).isEqualTo(hits);
    // HTTP/1.0 has no Host requirement; valid forms pass.
    assertThat(RawHttp.status(send("GET /anon/x HTTP/1.0\r\n\r\n"))).isEqualTo(200);
    for (String host : List.of("example.com", "example.com:8080", "127.0.0.1:1", "[::1]:8080")) {
      assertThat(RawHttp.status(send("GET /anon/x HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n"))).as(host).isEqualTo(200);
    }
  }

  // ---- request head deadline ----

  @Test
  void aHeadThatDoesNotArriveInTimeIsCutOffWith408() throws Exception {
    int hits = h.upstream.hits.get();
    try (KeepAliveConnection slow = new KeepAliveConnection(h.gateway.port())) {
      String answer = slow.send(HALF_A_HEAD).untilClosed();
      assertThat(answer).startsWith("HTTP/1.1 408").contains("\"code\":\"request_timeout\"").contains("connection: close");
    }
    try (KeepAliveConnection silent = new KeepAliveConnection(h.gateway.port())) {
      assertThat(silent.untilClosed()).as("a connection that sends nothing").startsWith("HTTP/1.1 408");
    }
    assertThat(h.upstream.hits.get()).isEqualTo(hits);
  }

  @Test
  void theDeadlineAppliesToEachLaterRequestOnAKeepAliveConnection() throws Exception {
    try (KeepAliveConnection c = new KeepAliveConnection(h.gateway.port())) {
      assertThat(RawHttp.status(c.send("GET /anon/1 HTTP/1.1\r\nHost: x\r\n\r\n").response())).isEqualTo(200);
      assertThat(c.send(HALF_A_HEAD).untilClosed()).startsWith("HTTP/1.1 408");
    }
  }

  @Test
  void anIdleKeepAliveConnectionAndABodyInProgressAreNotCut() throws Exception {
    try (KeepAliveConnection idle = new KeepAliveConnection(h.gateway.port()); KeepAliveConnection midBody = new KeepAliveConnection(h.gateway.port())) {
      assertThat(RawHttp.status(idle.send("GET /anon/1 HTTP/1.1\r\nHost: x\r\n\r\n").response())).isEqualTo(200);
      midBody.send("POST /anon/body HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345");
      // A connection opened after both is cut once the deadline has passed: by then both have
      // waited longer than the deadline (no clock involved).
      try (KeepAliveConnection slow = new KeepAliveConnection(h.gateway.port())) {
        assertThat(slow.send(HALF_A_HEAD).untilClosed()).startsWith("HTTP/1.1 408");
      }
      String second = idle.send("GET /anon/2 HTTP/1.1\r\nHost: x\r\n\r\n").response();
      assertThat(RawHttp.status(second)).as(second).isEqualTo(200);
      String body = midBody.send("67890").response();
      assertThat(RawHttp.status(body)).as(body).isEqualTo(200);
      assertThat(h.upstream.lastBody.toString()).isEqualTo("1234567890");
    }
  }

  /**
   * A body streamed to the upstream that stops arriving: the upstream times out (504), and the
   * connection is closed with the answer rather than left open for the rest of a body nobody reads
   * (each byte would reset the idle timeout).
   */
  @Test
  void aStalledStreamedBodyEndsWithTheAnswer() throws Exception {
    try (KeepAliveConnection stalled = new KeepAliveConnection(h.gateway.port())) {
      String answer = stalled.send("POST /anon/stalled HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n12345").untilClosed();
      assertThat(answer).startsWith("HTTP/1.1 504").containsIgnoringCase("connection: close").contains("\"code\":\"upstream_timeout\"");
    }
  }

  /**
   * An answer that stops part-way: once the upstream has sent nothing for the upstream timeout, the
   * caller's connection is cut, so the 10 bytes of a promised 100 never pass for a whole answer.
   */
  @Test
  void anAnswerThatStallsMidBodyIsCutOff() throws Exception {
    try (KeepAliveConnection caller = new KeepAliveConnection(h.gateway.port())) {
      String answer = caller.send("GET /anon/stalled-answer HTTP/1.1\r\nHost: x\r\n\r\n").untilClosed();
      assertThat(answer).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: 100").endsWith("\r\n\r\n0123456789");
    }
  }
}
