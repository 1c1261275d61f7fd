package dev.toolgate.server.admin;

import static dev.toolgate.server.admin.AdminApiHarness.assertProblem;
import static dev.toolgate.server.admin.AdminApiHarness.json;
import static dev.toolgate.server.admin.AdminApiHarness.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.users.OpaqueIds;
import dev.toolgate.server.users.User;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Opaque customer identifiers and their keys on the admin API, as the CLI's user opaque-id / resolve / rotate-opaque-key. */
class OpaqueIdsAdminApiTest extends AdminApiTestBase {
  User ada;
  User bob;

  @BeforeEach
  void start() {
    ada = api.users.createUser("ada", User.NO_PASSWORD);
    bob = api.users.createUser("bob", User.NO_PASSWORD);
  }

  JsonObject idFor(User user, String body) {
    return ok(api.call("POST", "/admin/users/" + user.id() + "/opaque-id", body));
  }

  @Test
  void aUsersIdentifierIsMadeOnFirstUseAndStaysTheSame() {
    JsonObject first = idFor(ada, "{\"platform\": \"asapp\"}");
    assertThat(first.fieldNames()).containsExactlyInAnyOrder("opaque_id", "platform", "user_id", "key_version", "user");
    assertThat(first.getString("opaque_id")).matches("oc1_[A-Za-z0-9_-]{32}");
    assertThat(first.getString("platform")).isEqualTo("asapp");
    assertThat(first.getString("user_id")).isEqualTo(ada.id());
    assertThat(first.getInteger("key_version")).isEqualTo(1);
    assertThat(first.getJsonObject("user")).isEqualTo(AdminResources.user(ada));
    // What the CLI (and the gateway) hand out for the same pair.
    assertThat(first.getString("opaque_id")).isEqualTo(new OpaqueIds(api.db.database(), api.box).idFor("asapp", ada.id()));

    assertThat(idFor(ada, "{\"platform\": \"asapp\"}")).isEqualTo(first);
    assertThat(idFor(ada, null)).as("the configured customer_token.opaque_id_platform: asapp unless set").isEqualTo(first);
    assertThat(idFor(ada, "{}")).isEqualTo(first);
    JsonObject other = idFor(ada, "{\"platform\": \"sendbird\"}");
    assertThat(other.getString("opaque_id")).isNotEqualTo(first.getString("opaque_id"));
    assertThat(idFor(bob, null).getString("opaque_id")).isNotEqualTo(first.getString("opaque_id"));
  }

  @Test
  void withoutAPlatformTheConfiguredCustomerTokenPlatformIsUsedAsItIsNow() {
    java.util.concurrent.atomic.AtomicReference<dev.toolgate.core.config.GatewayConfig> config = new java.util.concurrent.atomic.AtomicReference<>(
        withOpaqueIdPlatform("asapp-eu"));
    try (dev.toolgate.server.users.HttpHarness other = new dev.toolgate.server.users.HttpHarness(api.vertx,
        List.of(api.auth, new OpaqueIdsAdminEndpoint(api.api.routes(), api.users, api.opaqueIds, config::get)))) {
      java.util.function.Supplier<JsonObject> ask = () -> ok(other.send(other.request("/admin/users/" + ada.id() + "/opaque-id")
          .header("authorization", "Bearer " + api.adminToken).header("content-type", "application/json")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))));
      JsonObject eu = ask.get();
      assertThat(eu.getString("platform")).isEqualTo("asapp-eu");
      assertThat(eu.getString("opaque_id")).isEqualTo(new OpaqueIds(api.db.database(), api.box).idFor("asapp-eu", ada.id()));
      // The configuration in force at each request (a reload changes it).
      config.set(withOpaqueIdPlatform("support"));
      assertThat(ask.get().getString("platform")).isEqualTo("support");
    }
  }

  /** The harness's configuration with customer tokens whose subject is the opaque id of {@code platform}. */
  static dev.toolgate.core.config.GatewayConfig withOpaqueIdPlatform(String platform) {
    return dev.toolgate.core.config.ConfigLoader.parse("""
        authorization_server:
          customer_token: { opaque_id_platform: %s }
        platforms:
          %s: {}
        tools:
          - { name: profile, platform: %s, method: GET, path: /profile,
              upstream: "http://127.0.0.1:9", policy: { require: [static_token] } }
        """.formatted(platform, platform, platform), java.nio.file.Path.of("opaque-platform.yaml"));
  }

  @Test
  void resolvesAnIdentifierToItsUser() {
    String id = idFor(ada, null).getString("opaque_id");
    api.users.setUserDisabled(ada.id(), true);
    JsonObject resolved = ok(api.call("GET", "/admin/opaque-ids/" + id, null));
    assertThat(resolved.getString("user_id")).isEqualTo(ada.id());
    assertThat(resolved.getString("platform")).isEqualTo("asapp");
    assertThat(resolved.getInteger("key_version")).isEqualTo(1);
    assertThat(resolved.getJsonObject("user").getString("username")).isEqualTo("ada");
    assertThat(resolved.getJsonObject("user").getBoolean("disabled")).isTrue();

    for (String unknown : List.of("oc1_" + "A".repeat(32), "oc9_" + id.substring(4), "nonsense", "oc1_short", id + "x", "%00", "oc1_%2F..%2F")) {
      assertProblem(api.call("GET", "/admin/opaque-ids/" + unknown, null), 404, "not_found");
    }
  }

  @Test
  void badRequestsForAnIdentifier() {
    assertProblem(api.call("POST", "/admin/users/usr_nobody/opaque-id", null), 404, "not_found");
    for (String body : List.of("{\"platform\": \"ASAPP\"}", "{\"platform\": \"\"}", "{\"platform\": 7}", "{\"platform\": \"a b\"}",
        "{\"platform\": \"" + "p".repeat(65) + "\"}")) {
      HttpResponse<String> r = api.call("POST", "/admin/users/" + ada.id() + "/opaque-id", body);
      assertProblem(r, 400, "invalid_request");
      assertThat(json(r).getString("detail")).as(body).contains("platform");
    }
    assertProblem(api.call("POST", "/admin/users/" + ada.id() + "/opaque-id", "[\"asapp\"]"), 400, "invalid_request");
    assertThat(api.opaqueIds.keys()).as("nothing made for refused requests").isEmpty();
  }

  @Test
  void rotatingTheKeyKeepsIssuedIdentifiersAndMintsNewOnesUnderIt() {
    String adas = idFor(ada, null).getString("opaque_id");

    HttpResponse<String> rotated = api.call("POST", "/admin/opaque-id-keys/rotate", null);
    assertThat(rotated.statusCode()).isEqualTo(201);
    JsonObject key = json(rotated);
    assertThat(key.fieldNames()).containsExactlyInAnyOrder("version", "active", "master_key_id", "created_at");
    assertThat(key.getInteger("version")).isEqualTo(2);
    assertThat(key.getBoolean("active")).isTrue();
    assertThat(key.getString("created_at")).isEqualTo("2026-03-01T09:00:00.500Z");
    assertThat(rotated.headers().firstValue("location")).hasValue("/admin/opaque-id-keys/2");
    assertThat(ok(api.call("GET", "/admin/opaque-id-keys/2", null))).isEqualTo(key);

    assertThat(idFor(ada, null).getString("opaque_id")).as("issued identifiers stay").isEqualTo(adas);
    assertThat(ok(api.call("GET", "/admin/opaque-ids/" + adas, null)).getInteger("key_version")).isEqualTo(1);
    JsonObject bobs = idFor(bob, null);
    assertThat(bobs.getString("opaque_id")).startsWith("oc2_");
    assertThat(bobs.getInteger("key_version")).isEqualTo(2);

    JsonObject keys = ok(api.call("GET", "/admin/opaque-id-keys", null));
    assertThat(keys.getJsonArray("opaque_id_keys").stream().map(o -> ((JsonObject) o).getInteger("version") + ":" + ((JsonObject) o).getBoolean("active")))
        .containsExactly("1:false", "2:true");
    for (String bad : List.of("3", "0", "rotate", "-1", "1e0", "99999999999")) {
      assertProblem(api.call("GET", "/admin/opaque-id-keys/" + bad, null), 404, "not_found");
    }
  }

  @Test
  void aRetriedRotationWithAnIdempotencyKeyRotatesOnce() {
    HttpResponse<String> first = api.call("POST", "/admin/opaque-id-keys/rotate", null, api.adminToken, "Idempotency-Key", "rotate-1");
    HttpResponse<String> again = api.call("POST", "/admin/opaque-id-keys/rotate", null, api.adminToken, "Idempotency-Key", "rotate-1");
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.headers().firstValue("idempotent-replayed")).hasValue("true");
    assertThat(json(again)).isEqualTo(json(first));
    assertThat(api.opaqueIds.keys()).hasSize(1);
    assertThat(json(api.call("POST", "/admin/opaque-id-keys/rotate", null)).getInteger("version")).isEqualTo(2);
  }

  @Test
  void rolesReadersReadOperatorsChange() {
    String id = idFor(ada, null).getString("opaque_id");
    String reader = api.token(AdminRole.READ_ONLY);
    String operator = api.token(AdminRole.OPERATOR);
    String minter = api.token(AdminRole.TOKEN_MINTER);

    for (String path : List.of("/admin/opaque-ids/" + id, "/admin/opaque-id-keys", "/admin/opaque-id-keys/1")) {
      assertThat(api.call("GET", path, null, reader).statusCode()).as(path).isEqualTo(200);
      assertProblem(api.call("GET", path, null, minter), 403, "admin_role_forbidden");
    }
    for (String path : List.of("/admin/users/" + bob.id() + "/opaque-id", "/admin/opaque-id-keys/rotate")) {
      assertProblem(api.call("POST", path, null, reader), 403, "admin_role_forbidden");
      assertProblem(api.call("POST", path, null, minter), 403, "admin_role_forbidden");
      assertProblem(api.call("POST", path, null, null), 401, "admin_token_invalid");
    }
    assertThat(api.opaqueIds.keys()).hasSize(1);
    assertThat(api.opaqueIds.resolve(id)).isPresent();
    assertThat(api.call("POST", "/admin/users/" + bob.id() + "/opaque-id", null, operator).statusCode()).isEqualTo(200);
    assertThat(api.call("POST", "/admin/opaque-id-keys/rotate", null, operator).statusCode()).isEqualTo(201);
  }

  @Test
  void aHandWrittenRequestOnARawSocket() {
    String body = "{\"platform\":\"asapp\\u0000\"}";
    String answer = api.raw("POST /admin/users/" + ada.id() + "/opaque-id HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
        + api.adminToken + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
    assertThat(answer).startsWith("HTTP/1.1 400").contains("platform must be");
    String lookup = api.rawGet("/admin/opaque-ids/oc1_" + "A".repeat(28) + "%0D%0AX:%20y");
    assertThat(lookup).startsWith("HTTP/1.1 404").doesNotContain("\r\nX: y");
  }
}
