package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The refusals of the audited OAuth endpoints are audited answers too: a failed client
 * authentication or a request without a token at {@code /oauth/revoke}, a body over the limit at
 * {@code /oauth/token}, leave only once their records are committed (as the token endpoint's own
 * refusals do), and 503 {@code temporarily_unavailable} when the record can be kept nowhere.
 */
class OAuthRefusalAuditTest {

  @Test
  void refusalsAreAnsweredOnlyOnceTheirRecordIsCommitted() throws Exception {
    try (OutageGateway g = new OutageGateway(10_000).start()) {
      HttpResponse<String> wrongSecret = post(g, "/oauth/revoke", "token=x", g.clientId + ":not-the-secret");
      HttpResponse<String> noToken = g.oauth("/oauth/revoke", "token_type_hint=access_token");
      HttpResponse<String> tooLarge = g.oauth("/oauth/token", "grant_type=client_credentials&pad=" + "a".repeat(70_000));
      assertThat(wrongSecret.statusCode()).as(wrongSecret.body()).isEqualTo(401);
      assertThat(noToken.statusCode()).as(noToken.body()).isEqualTo(400);
      assertThat(tooLarge.statusCode()).as(tooLarge.body()).isEqualTo(413);
      assertThat(new JsonObject(wrongSecret.body()).getString("error")).isEqualTo("invalid_client");
      assertThat(new JsonObject(noToken.body()).getString("error")).isEqualTo("invalid_request");
      assertThat(new JsonObject(tooLarge.body()).getString("error")).isEqualTo("invalid_request");
      // Read at once, without a flush: the answers left after their records were committed.
      assertThat(g.storedRequestIds()).contains(requestId(wrongSecret), requestId(noToken), requestId(tooLarge));
    }
  }

  @Test
  void aRefusalWhoseRecordCannotBeKeptIs503() throws Exception {
    try (OutageGateway g = new OutageGateway(10_000, ", spill_max_bytes: 1").start()) {
      g.proxy.cut();
      for (HttpResponse<String> r : List.of(post(g, "/oauth/revoke", "token=x", g.clientId + ":not-the-secret"),
          g.oauth("/oauth/token", "grant_type=client_credentials&pad=" + "a".repeat(70_000)))) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("temporarily_unavailable");
      }
    }
  }

  private static HttpResponse<String> post(OutageGateway g, String path, String form, String basic) throws Exception {
    return g.send(HttpRequest.newBuilder(URI.create(g.base() + path)).POST(HttpRequest.BodyPublishers.ofString(form))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
  }

  private static String requestId(HttpResponse<String> r) {
    return r.headers().firstValue("x-request-id").orElseThrow();
  }
}
