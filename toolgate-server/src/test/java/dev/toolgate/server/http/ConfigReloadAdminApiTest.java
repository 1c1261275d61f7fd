package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.admin.AdminRole;
import dev.toolgate.server.admin.AdminTokenStore;
import dev.toolgate.server.admin.OpenApiContract;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** {@code POST /admin/config/reload}: what {@code toolgate reload} does, for scripts and the console; answers as documented. */
class ConfigReloadAdminApiTest {
  @Test
  void aValidFileIsPutInForceAnInvalidOneIsA422NamingItsLinesAndTheOldOneServesOn() throws Exception {
    try (ReloadableHarness g = new ReloadableHarness(ConfigReloadTest.TOKEN_TOOL)) {
      ClientRecord client = g.h.admin.createClient("app", "sendbird");
      String token = g.h.admin.createStaticToken(client.id(), null).plaintext();
      AdminTokenStore tokens = new AdminTokenStore(g.h.adminDb, Clock.systemUTC());
      String operator = tokens.create("ops", AdminRole.OPERATOR, null).plaintext();
      String reader = tokens.create("auditor", AdminRole.READ_ONLY, null).plaintext();
      g.start();
      String v1 = g.version();

      HttpResponse<String> same = reload(g, operator, "");
      assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
      assertThat(new JsonObject(same.body()).getMap()).containsEntry("result", "unchanged").containsEntry("version", v1).containsEntry("tools", 1);

      String v2 = g.edit("path: /orders\n", "path: /orders/v2\n");
      HttpResponse<String> reloaded = reload(g, operator, "");
      assertThat(reloaded.statusCode()).as(reloaded.body()).isEqualTo(200);
      assertThat(reloaded.headers().firstValue("x-request-id")).isPresent();
      assertThat(new JsonObject(reloaded.body()).getString("result")).isEqualTo("reloaded");
      assertThat(new JsonObject(reloaded.body()).getString("version")).isEqualTo(v2);
      assertThat(g.get("/orders/v2", "authorization", "Bearer " + token).statusCode()).isEqualTo(200);

      g.edit("policy: { require: [static_token] }", "policy: { require: [apikey] }");
      HttpResponse<String> refused = reload(g, operator, "");
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
      assertThat(refused.headers().firstValue("content-type")).hasValue("application/problem+json");
      JsonObject problem = new JsonObject(refused.body());
      assertThat(problem.getString("code")).isEqualTo("config_refused");
      assertThat(problem.getString("version")).isEqualTo(v2);
      assertThat(problem.getJsonArray("problems").getList()).singleElement().asString()
          .contains("tools[0].policy.require[0]: unknown credential kind 'apikey'");
      assertThat(g.get("/orders/v2", "authorization", "Bearer " + token).statusCode()).as("the old file serves on").isEqualTo(200);

      HttpResponse<String> forbidden = reload(g, reader, "");
      assertThat(forbidden.statusCode()).isEqualTo(403);
      assertThat(new JsonObject(forbidden.body()).getString("code")).isEqualTo("admin_role_forbidden");
      HttpResponse<String> withBody = reload(g, operator, "{\"file\":\"/etc/passwd\"}");
      assertThat(withBody.statusCode()).isEqualTo(400);
      assertThat(new JsonObject(withBody.body()).getString("detail")).contains("unknown field 'file'");
      assertThat(g.h.gateway.reloader().current().version()).isEqualTo(v2);
    }
  }

  /** Each answer is also checked against docs/openapi.json. */
  private static HttpResponse<String> reload(ReloadableHarness g, String adminToken, String body) throws Exception {
    return OpenApiContract.document().check(g.h.send(HttpRequest.newBuilder(URI.create(g.h.base() + "/admin/config/reload"))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .header("authorization", "Bearer " + adminToken)
        .header("content-type", "application/json")));
  }
}
