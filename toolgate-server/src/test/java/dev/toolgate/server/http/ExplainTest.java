package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.admin.AdminTokenStore;
import dev.toolgate.server.cli.ToolgateCli;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** "Why was this call denied?": the trace of every decision, through the CLI and the admin API, never with secrets. */
class ExplainTest {

  @Test
  void aDeniedCallIsExplainedCheckByCheck() throws Exception {
    try (GatewayHarness h = new GatewayHarness("""
          - name: combo
            platform: sendbird
            method: POST
            path: /combo
            upstream: UPSTREAM
            policy: { require: [api_key, static_token] }
        """)) {
      ClientRecord client = h.admin.createClient("app", "sendbird");
      String key = h.admin.createApiKey(client.id(), Set.of("combo"), null).plaintext();
      String admin = new AdminTokenStore(h.adminDb).create("ops", null).plaintext();
      h.start();

      HttpResponse<String> denied = h.send(h.post("/combo", "{}").header("api-key", key).header("authorization", "Bearer tgt_wrong-token"));
      assertThat(denied.statusCode()).isEqualTo(401);
      String requestId = new JsonObject(denied.body()).getString("request_id");
      h.gateway.flushAudit();

      AuditEvent event = h.auditLog.find(requestId).orElseThrow();
      assertThat(event.trace()).extracting(c -> c.name() + ":" + c.passed())
          .containsExactly("route:true", "api_key:true", "static_token:false");

      StringWriter out = new StringWriter();
      var cli = ToolgateCli.commandLine();
      cli.setOut(new PrintWriter(out));
      assertThat(cli.execute("explain", requestId, "--config", h.config.source().toString())).isZero();
      assertThat(out.toString()).contains("DENIED (token_invalid, HTTP 401)").contains("✓ api_key").contains("✗ static_token")
          .doesNotContain(key).doesNotContain("tgt_wrong-token");

      HttpResponse<String> viaApi = h.send(HttpRequest.newBuilder(URI.create(h.base() + "/admin/decisions/" + requestId))
          .header("authorization", "Bearer " + admin));
      assertThat(viaApi.statusCode()).isEqualTo(200);
      JsonObject body = new JsonObject(viaApi.body());
      assertThat(body.getString("code")).isEqualTo("token_invalid");
      assertThat(body.getJsonArray("checks")).hasSize(3);
      assertThat(viaApi.body()).doesNotContain(key);
      assertThat(h.send(HttpRequest.newBuilder(URI.create(h.base() + "/admin/decisions/" + requestId))).statusCode()).isEqualTo(401);
      assertThat(h.send(HttpRequest.newBuilder(URI.create(h.base() + "/admin/decisions/req_nope")).header("authorization", "Bearer " + admin))
          .statusCode()).isEqualTo(404);

      // The same decision in the audit log's list and export, on the gateway's own port.
      HttpResponse<String> listed = h.send(HttpRequest.newBuilder(URI.create(h.base() + "/admin/decisions?decision=deny&tool=combo"))
          .header("authorization", "Bearer " + admin));
      assertThat(new JsonObject(listed.body()).getJsonArray("decisions").getJsonObject(0)).isEqualTo(body);
      HttpResponse<String> exported = h.send(HttpRequest.newBuilder(URI.create(h.base() + "/admin/audit/export?request_id=" + requestId))
          .header("authorization", "Bearer " + admin));
      assertThat(exported.headers().firstValue("content-type")).hasValue("application/x-ndjson");
      assertThat(exported.body().lines().map(JsonObject::new)).containsExactly(body);
    }
  }
}
