package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code audit.durability: durable} with nowhere to keep a record: the store (the test PostgreSQL
 * behind a {@link dev.toolgate.server.store.CuttableTcpProxy}) cut, and spill files allowed one byte.
 * An allowed call and a refused one are both answered 503 {@code audit_unavailable}, never their
 * unrecorded 200 or 401; with the store back, calls are answered and recorded again.
 */
class AuditUnavailableTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @Test
  void aCallWhoseRecordCannotBeKeptIsAnswered503AuditUnavailableNeverItsOwnAnswer() throws Exception {
    try (ServerLog log = ServerLog.capture(); OutageGateway g = new OutageGateway(10_000, ", spill_max_bytes: 1").start()) {
      HttpResponse<String> before = g.send(g.get("/users/u-1/profile").header("authorization", "Bearer " + g.token));
      assertThat(before.statusCode()).isEqualTo(200);

      g.proxy.cut();
      HttpResponse<String> allowed = g.send(g.get("/users/u-2/profile").header("authorization", "Bearer " + g.token));
      HttpResponse<String> refused = g.send(g.get("/users/u-3/profile").header("authorization", "Bearer tgt_not-a-token"));
      for (HttpResponse<String> r : java.util.List.of(allowed, refused)) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
        JsonObject problem = new JsonObject(r.body());
        assertThat(problem.getString("code")).isEqualTo("audit_unavailable");
        assertThat(problem.getString("detail")).isEqualTo(CallOutcome.NOT_KEPT);
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
      }
      assertThat(g.upstream.requestIds).as("the allowed call reached the upstream; its answer was withheld")
          .contains(allowed.headers().firstValue("x-request-id").orElseThrow());

      g.proxy.restore();
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      HttpResponse<String> after;
      do {
        Thread.sleep(200);
        after = g.send(g.get("/users/u-4/profile").header("authorization", "Bearer " + g.token));
      } while (after.statusCode() != 200 && System.nanoTime() < deadline);
      assertThat(after.statusCode()).as("answered again once the store is back").isEqualTo(200);
      String id = after.headers().firstValue("x-request-id").orElseThrow();
      assertThat(g.storedRequestIds()).as("and recorded before it was answered").contains(id);
    }
  }
}
