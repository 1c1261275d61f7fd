package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.server.store.AuditQuery;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A clean shutdown lets calls in flight finish and loses no audit record. */
class GracefulShutdownTest {

  @Test
  void inFlightCallsFinishAndEveryDecisionIsInTheAuditLog() throws Exception {
    try (GatewayHarness h = new GatewayHarness("""
          - name: anon
            method: GET
            path: /anon
            upstream: UPSTREAM
            policy: { anonymous: true }
          - name: slow
            method: GET
            path: /slow
            upstream: UPSTREAM
            policy: { anonymous: true }
        """, "10s")) {
      h.start();
      int fast = 200;
      for (int i = 0; i < fast; i++) {
        assertThat(h.send(h.get("/anon")).statusCode()).isEqualTo(200);
      }
      assertThat(h.send(h.get("/nowhere")).statusCode()).isEqualTo(404);
      CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> {
        try {
          return h.send(h.get("/slow"));
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      Thread.sleep(500); // the slow call is now waiting on the upstream (3 s)
      String base = h.base();
      h.gateway.close(); // blocks until drained and flushed
      h.gateway = null;

      HttpResponse<String> answered = slow.get(10, TimeUnit.SECONDS);
      assertThat(answered.statusCode()).isEqualTo(200);
      assertThat(h.auditLog.query(new AuditQuery(null, null, null, null, null, null, null, 10_000))).hasSize(fast + 2);
      assertThatThrownBy(() -> h.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/anon")).build(),
          HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
    }
  }
}
