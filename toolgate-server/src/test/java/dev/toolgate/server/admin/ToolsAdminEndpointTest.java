package dev.toolgate.server.admin;

import static dev.toolgate.server.admin.AdminApiHarness.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.ConfigReloader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/** {@code GET /admin/tools}: every tool as configured now, in the file's vocabulary, following a reload. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ToolsAdminEndpointTest {
  static final String MORE_TOOLS = """
        - name: bound
          method: POST
          path: /users/{user_id}/orders
          upstream: UPSTREAM/v1/users/{user_id}/orders
          platform: sendbird
          allowed_ips: [10.0.0.0/8, 127.0.0.1/32]
          policy: { require: [api_key, sendbird_signature] }
          user:
            platform_user_id: { body_field: /user_id }
            forward: user_id
          owner: { path_param: user_id, is: platform_user_id }
          rate_limits:
            - { per: [client, user], limit: 10, period: 1m }
        - name: federated
          method: GET
          path: /federated
          upstream: UPSTREAM
          policy:
            require: [external_jwt]
            external_jwt: { issuer: okta, scopes: [read] }
        - name: shop_mcp
          path: /mcp
          upstream: UPSTREAM/mcp
          policy:
            require: [client_token]
            client_token: { scopes: [mcp] }
          mcp:
            methods:
              prompts/get: { deny: true }
            tools:
              refund_order:
                scopes: [orders.refund]
                rate_limits: [{ per: user, limit: 5, period: 1h }]
      trusted_issuers:
        okta:
          issuer: https://example.okta.com/oauth2/default
          jwks_uri: http://127.0.0.1:9/keys
          audiences: [api://toolgate]
      """;

  TestCallHarness h;

  @BeforeAll
  void start() throws Exception {
    h = new TestCallHarness(TestCallHarness.TOOLS + MORE_TOOLS);
  }

  @AfterAll
  void stop() {
    h.close();
  }

  @Test
  @Order(1)
  void listsEveryToolInFileOrderWithTheVersionInForce() throws Exception {
    JsonObject list = ok(h.call("GET", "/admin/tools", null, AdminRole.READ_ONLY));
    assertThat(list.getJsonArray("tools").stream().map(t -> ((JsonObject) t).getString("name")).toList())
        .containsExactly("signed", "sendbird_jwt", "static", "keyed", "reports", "customer", "limited", "big", "bound", "federated", "shop_mcp");
    assertThat(list.getString("config_version")).isEqualTo(h.version());
    assertThat(Instant.parse(list.getString("loaded_at"))).isBefore(Instant.now().plusSeconds(1));
  }

  @Test
  @Order(1)
  void aSignedToolInFull() {
    JsonObject tool = ok(h.call("GET", "/admin/tools/signed", null, AdminRole.READ_ONLY));
    assertThat(tool.remove("line")).isInstanceOf(Integer.class);
    assertThat(tool).isEqualTo(new JsonObject()
        .put("name", "signed").put("kind", "http").put("method", "POST").put("path", "/signed").put("path_params", new JsonArray())
        .put("upstream", h.upstream.url()).put("upstream_ca", null).put("platform", "sendbird")
        .put("policy", new JsonObject().put("require", new JsonArray().add("sendbird_signature")).put("combine", "all").put("anonymous", false)
            .put("credentials", new JsonObject().put("sendbird_signature",
                new JsonObject().put("header", "x-sendbird-signature").put("encoding", "hex_lower").put("replay_window_seconds", null))))
        .put("test_credentials", new JsonArray().add("signature").add("none"))
        .put("allowed_ips", null).put("platform_allowed_ips", null).put("user", null).put("owner", null)
        .put("rate_limits", new JsonArray()).put("when_limits_unavailable", null).put("max_body_bytes", 65536)
        .put("forward_headers", new JsonArray()).put("allow_in_path", new JsonArray()).put("mcp", null));
  }

  @Test
  @Order(1)
  void bindingOwnerLimitsAndAddresses() {
    JsonObject tool = ok(h.call("GET", "/admin/tools/bound", null, AdminRole.READ_ONLY));
    assertThat(tool.getString("upstream")).isEqualTo(h.upstream.url() + "/v1/users/{user_id}/orders");
    assertThat(tool.getJsonArray("path_params").getList()).containsExactly("user_id");
    assertThat(tool.getJsonArray("allowed_ips").getList()).containsExactly("10.0.0.0/8", "127.0.0.1/32");
    assertThat(tool.getJsonObject("policy").getJsonArray("require").getList()).containsExactly("api_key", "sendbird_signature");
    assertThat(tool.getJsonObject("policy").getJsonObject("credentials").getJsonObject("api_key").getString("header")).isEqualTo("api-key");
    assertThat(tool.getJsonArray("test_credentials").getList()).containsExactly("signature", "api_key", "none");
    assertThat(tool.getJsonObject("user")).isEqualTo(new JsonObject()
        .put("identities", new JsonObject().put("platform_user_id", new JsonObject().put("body_field", "/user_id"))).put("forward", "user_id"));
    assertThat(tool.getJsonObject("owner")).isEqualTo(new JsonObject().put("path_param", "user_id").put("is", "platform_user_id"));
    assertThat(tool.getJsonArray("rate_limits")).isEqualTo(new JsonArray().add(new JsonObject()
        .put("per", new JsonArray().add("client").add("user")).put("limit", 10).put("period_seconds", 60).put("bucket", null)));
  }

  @Test
  @Order(1)
  void userTokensAndExternalIssuersInTheirOwnVocabulary() {
    JsonObject sendbirdJwt = ok(h.call("GET", "/admin/tools/sendbird_jwt", null, AdminRole.READ_ONLY));
    JsonObject userToken = sendbirdJwt.getJsonObject("policy").getJsonObject("credentials").getJsonObject("user_token");
    assertThat(userToken.getString("issuer")).isEqualTo("toolgate");
    assertThat(userToken.getString("body_field")).isEqualTo("/context/jwt");
    assertThat(userToken.getString("issuer_url")).startsWith("http://127.0.0.1:");
    assertThat(sendbirdJwt.getJsonArray("test_credentials").getList()).containsExactly("signature", "customer_token", "none");

    JsonObject federated = ok(h.call("GET", "/admin/tools/federated", null, AdminRole.READ_ONLY));
    assertThat(federated.getJsonObject("policy").getJsonObject("credentials").getJsonObject("external_jwt")).isEqualTo(new JsonObject()
        .put("issuer", "okta").put("issuer_url", "https://example.okta.com/oauth2/default").put("header", "authorization")
        .put("scheme", "Bearer").put("scopes", new JsonArray().add("read")));
    assertThat(federated.getJsonArray("test_credentials").getList()).containsExactly("none");
  }

  @Test
  @Order(1)
  void anMcpRouteWithItsRules() {
    JsonObject tool = ok(h.call("GET", "/admin/tools/shop_mcp", null, AdminRole.READ_ONLY));
    assertThat(tool.getString("kind")).isEqualTo("mcp");
    JsonObject mcp = tool.getJsonObject("mcp");
    assertThat(mcp.getString("resource")).isEqualTo("http://127.0.0.1:" + h.gateway.port() + "/mcp");
    assertThat(mcp.getString("unlisted_tools")).isEqualTo("allow");
    assertThat(mcp.getInteger("max_stream_seconds")).isEqualTo(3600);
    assertThat(mcp.getJsonObject("methods").getJsonObject("prompts/get").getBoolean("deny")).isTrue();
    JsonObject refund = mcp.getJsonObject("tools").getJsonObject("refund_order");
    assertThat(refund.getJsonArray("scopes").getList()).containsExactly("orders.refund");
    assertThat(refund.getJsonArray("rate_limits").getJsonObject(0).getInteger("period_seconds")).isEqualTo(3600);
    assertThat(refund.getValue("policy")).isNull();
  }

  @Test
  @Order(1)
  void anMcpToolCallIsTestedWithATokenForTheRouteAndItsRuleScopes() {
    ClientRecord client = h.credentials.createClient("mcp-app", "sendbird");
    h.oauth.setOAuthSettings(client.id(), Set.of("mcp", "orders.refund"), Duration.ofMinutes(10), Set.of("client_secret_basic"), null);
    h.refresh();
    JsonObject answer = h.tested(new JsonObject().put("tool", "shop_mcp").put("method", "POST").put("client_id", client.id())
        .put("credential", new JsonObject().put("kind", "client_token"))
        .put("headers", new JsonObject().put("accept", "application/json, text/event-stream"))
        .put("body", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"refund_order\",\"arguments\":{}}}"));
    ToolCallTestKindsTest.assertAllowed(answer, "shop_mcp");
    assertThat(answer.getJsonObject("decision").getJsonArray("checks").stream().map(c -> ((JsonObject) c).getString("detail")))
        .contains("tools/call refund_order");
  }

  @Test
  @Order(1)
  void oneToolHasAnEtagAndAnUnknownOneIs404() {
    HttpResponse<String> r = h.call("GET", "/admin/tools/keyed", null, AdminRole.READ_ONLY);
    assertThat(r.headers().firstValue("etag")).isPresent();
    JsonObject fromList = ok(h.call("GET", "/admin/tools", null, AdminRole.READ_ONLY)).getJsonArray("tools").stream()
        .map(JsonObject.class::cast).filter(t -> t.getString("name").equals("keyed")).findFirst().orElseThrow();
    assertThat(new JsonObject(r.body())).isEqualTo(fromList);
    assertProblem(h.call("GET", "/admin/tools/nope", null, AdminRole.READ_ONLY), 404, "not_found");
  }

  @Test
  @Order(1)
  void readableByEveryRoleThatReadsButNotByATokenMinter() {
    for (AdminRole role : new AdminRole[] {AdminRole.ADMIN, AdminRole.OPERATOR, AdminRole.READ_ONLY}) {
      assertThat(h.call("GET", "/admin/tools", null, role).statusCode()).isEqualTo(200);
    }
    assertProblem(h.call("GET", "/admin/tools", null, AdminRole.TOKEN_MINTER), 403, "admin_role_forbidden");
    assertProblem(h.call("GET", "/admin/tools/signed", null, AdminRole.TOKEN_MINTER), 403, "admin_role_forbidden");
    assertProblem(h.call("GET", "/admin/tools", null, null), 401, "admin_token_invalid");
  }

  @Test
  @Order(2)
  void aReloadShowsAtOnceInTheListAndInTestCalls() throws Exception {
    String before = ok(h.call("GET", "/admin/tools", null, AdminRole.READ_ONLY)).getString("config_version");
    ConfigReloader.Outcome outcome = h.reloadTools("""
          - name: renamed
            method: GET
            path: /renamed
            upstream: UPSTREAM
            policy: { anonymous: true }
        """);
    assertThat(outcome.result()).as(outcome.problems().toString()).isEqualTo(ConfigReloader.Result.RELOADED);
    JsonObject list = ok(h.call("GET", "/admin/tools", null, AdminRole.READ_ONLY));
    assertThat(list.getString("config_version")).isEqualTo(h.version()).isNotEqualTo(before);
    assertThat(list.getJsonArray("tools").stream().map(t -> ((JsonObject) t).getString("name")).toList()).containsExactly("renamed");
    assertProblem(h.call("GET", "/admin/tools/signed", null, AdminRole.READ_ONLY), 404, "not_found");

    JsonObject answer = h.tested(new JsonObject().put("tool", "renamed").put("credential", new JsonObject().put("kind", "none")));
    ToolCallTestKindsTest.assertAllowed(answer, "renamed");
    assertThat(answer.getJsonObject("decision").getString("config_version")).isEqualTo(h.version());
    assertProblem(h.test(new JsonObject().put("tool", "signed").put("credential", new JsonObject().put("kind", "none"))), 404, "not_found");
  }

  private static JsonObject ok(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }
}
