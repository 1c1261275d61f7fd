package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * {@code /oauth/token} under {@code audit.durability}: durable (the default) answers, granted or
 * refused, only once the answer's audit record is committed, and 503 {@code temporarily_unavailable}
 * when the record can be kept nowhere (store cut, spill files allowed one byte); async answers
 * whatever the store does, as before.
 */
class TokenEndpointAuditDurabilityTest {
  private static final String GRANT = "grant_type=client_credentials&scope=orders.read";

  @Test
  void durableAnswersOnlyOnceTheRecordIsCommitted() throws Exception {
    try (OutageGateway g = new OutageGateway(10_000).start()) {
      HttpResponse<String> issued = g.oauth("/oauth/token", GRANT);
      HttpResponse<String> refused = g.oauth("/oauth/token", "grant_type=password");
      HttpResponse<String> asapp = g.oauth("/oauth/access_token", GRANT);
      assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
      assertThat(asapp.statusCode()).as(asapp.body()).isEqualTo(200);
      // Read at once, without a flush: the answers left after their records were committed.
      assertThat(g.storedRequestIds()).contains(requestId(issued), requestId(refused), requestId(asapp));
    }
  }

  @Test
  void durableAnswers503TemporarilyUnavailableWhenTheRecordCannotBeKept() throws Exception {
    try (ServerLog log = ServerLog.capture(); OutageGateway g = new OutageGateway(10_000, ", spill_max_bytes: 1").start()) {
      g.proxy.cut();
      for (String path : java.util.List.of("/oauth/token", "/oauth/access_token")) {
        HttpResponse<String> r = g.oauth(path, GRANT);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        JsonObject error = new JsonObject(r.body());
        assertThat(error.getString("error")).isEqualTo("temporarily_unavailable");
        assertThat(error.getString("error_description")).isEqualTo(dev.toolgate.server.oauth.OAuthResponses.NOT_KEPT);
        assertThat(error.containsKey("access_token")).isFalse();
        assertThat(r.headers().firstValue("retry-after")).isPresent();
        assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
      }
      assertThat(log.lines()).anySatisfy(l -> assertThat(l).contains("WARN OAuthResponses - OAuth request").contains("answered 503"));
    }
  }

  @Test
  void asyncAnswersWhateverTheStoreDoes() throws Exception {
    try (OutageGateway g = new OutageGateway(10_000, ", spill_max_bytes: 1, durability: async").start()) {
      g.proxy.cut();
      HttpResponse<String> issued = g.oauth("/oauth/token", GRANT);
      assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
      assertThat(new JsonObject(issued.body()).getString("access_token")).isNotBlank();
    }
  }

  private static String requestId(HttpResponse<String> r) {
    return r.headers().firstValue("x-request-id").orElseThrow();
  }
}
