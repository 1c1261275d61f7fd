package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Double-encoded escapes and trailing-dot segments, over raw sockets so nothing normalises them:
 * refused by default (400 bad_path, upstream untouched), forwarded unchanged to a tool that allows them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AmbiguousPathTest {
  GatewayHarness h;

  @BeforeAll
  void start() throws Exception {
    h = new GatewayHarness("""
          - name: orders
            method: GET
            path: /orders/**
            upstream: UPSTREAM
            policy: { anonymous: true }
          - name: files
            method: GET
            path: /files/**
            upstream: UPSTREAM
            policy: { anonymous: true }
            allow_in_path: [encoded_percent, trailing_dot]
          - name: legacy
            method: GET
            path: /legacy/**
            upstream: UPSTREAM
            policy: { anonymous: true }
            allow_in_path: [trailing_dot]
        """).start();
  }

  @AfterAll
  void stop() {
    h.close();
  }

  String get(String target) throws Exception {
    return RawHttp.send(h.gateway.port(), "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", null);
  }

  @Test
  void doubleEncodedEscapesAndTrailingDotsAreRefusedByDefault() throws Exception {
    int hits = h.upstream.hits.get();
    for (String target : List.of("/orders/%252e%252e/admin", "/orders/%252E%252e/admin", "/orders/%25%32%65%25%32%65/admin", "/orders/a%252fb",
        "/orders/status.", "/orders./status", "/orders/a/..../b", "/orders/.../x", "/unrouted/status.", "/legacy/%2541")) {
      String response = get(target);
      assertThat(RawHttp.status(response)).as(target + " -> " + response).isEqualTo(400);
      assertThat(response).contains("\"code\":\"bad_path\"").contains("allow_in_path");
    }
    assertThat(h.upstream.hits.get()).as("upstream untouched").isEqualTo(hits);
  }

  @Test
  void aToolThatAllowsThemGetsThePathUnchanged() throws Exception {
    for (String target : List.of("/files/%252e%252e/admin", "/files/status.", "/files/a/..../b?x=1", "/files/%25%32%65.", "/legacy/v1./status")) {
      String response = get(target);
      assertThat(RawHttp.status(response)).as(target + " -> " + response).isEqualTo(200);
      assertThat(h.upstream.lastUri).isEqualTo(target);
    }
  }

  @Test
  void plainPathsAreNotAffected() throws Exception {
    for (String target : List.of("/orders/a.b", "/orders/.well-known", "/orders/%25", "/orders/%25zz", "/orders/caf%C3%A9")) {
      String response = get(target);
      assertThat(RawHttp.status(response)).as(target + " -> " + response).isEqualTo(200);
      assertThat(h.upstream.lastUri).isEqualTo(target);
    }
  }
}
