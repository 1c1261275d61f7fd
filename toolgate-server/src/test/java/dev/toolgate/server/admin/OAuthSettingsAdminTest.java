package dev.toolgate.server.admin;

import static dev.toolgate.server.admin.AdminApiHarness.assertProblem;
import static dev.toolgate.server.admin.AdminApiHarness.json;
import static dev.toolgate.server.admin.AdminApiHarness.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.toolgate.server.store.OAuthSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET and PUT /admin/clients/{id}/oauth: shapes, full replace, If-Match inside the write, validation, roles. */
class OAuthSettingsAdminTest extends AdminApiTestBase {
  String client;
  String path;

  @BeforeEach
  void start() {
    client = api.credentials.createClient("orders-agent", "sendbird").id();
    path = "/admin/clients/" + client + "/oauth";
  }

  static JsonObject settings(String... scopes) {
    return new JsonObject()
        .put("scopes", new JsonArray(List.of(scopes)))
        .put("token_ttl_seconds", 900)
        .put("auth_methods", new JsonArray().add("client_secret_basic"))
        .put("redirect_uris", new JsonArray().add("https://app.example.com/callback"));
  }

  static ECKey ecKey(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void getShowsTheSettingsWithAnEtag() {
    HttpResponse<String> r = api.call("GET", path, null);
    JsonObject s = ok(r);
    assertThat(s.fieldNames()).containsExactlyInAnyOrder("client_id", "scopes", "token_ttl_seconds", "auth_methods", "redirect_uris", "jwks");
    assertThat(s.getString("client_id")).isEqualTo(client);
    assertThat(s.getJsonArray("scopes")).isEmpty();
    assertThat(s.getLong("token_ttl_seconds")).isEqualTo(3600);
    assertThat(s.getJsonArray("auth_methods").getList()).containsExactly("client_secret_basic", "client_secret_post");
    assertThat(s.getJsonArray("redirect_uris")).isEmpty();
    assertThat(s.getValue("jwks")).isNull();
    assertThat(r.headers().firstValue("etag")).hasValue(AdminJson.etag(s));
    assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
  }

  @Test
  void putReplacesEverythingAndTheChangeIsUsedAtOnce() {
    ECKey key = ecKey("k1");
    JsonObject wanted = settings("orders:read", "profile")
        .put("auth_methods", new JsonArray().add("private_key_jwt").add("client_secret_post"))
        .put("jwks", new JsonObject().put("keys", new JsonArray().add(new JsonObject(key.toPublicJWK().toJSONObject()))));
    int before = api.refreshes.get();
    HttpResponse<String> r = api.call("PUT", path, wanted.encode());
    JsonObject s = ok(r);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("etag")).hasValue(AdminJson.etag(s));
    assertThat(s.getJsonArray("scopes").getList()).containsExactly("orders:read", "profile");
    assertThat(s.getLong("token_ttl_seconds")).isEqualTo(900);
    assertThat(s.getJsonArray("auth_methods").getList()).containsExactly("client_secret_post", "private_key_jwt");
    assertThat(s.getJsonArray("redirect_uris").getList()).containsExactly("https://app.example.com/callback");
    assertThat(s.getJsonObject("jwks").getJsonArray("keys").getJsonObject(0).getString("kid")).isEqualTo("k1");
    assertThat(json(api.call("GET", path, null))).isEqualTo(s);

    // This instance uses it before the answer: the token endpoint reads the cache.
    assertThat(api.refreshes.get()).isGreaterThan(before);
    OAuthSettings cached = api.cache.oauthSettings(client).orElseThrow();
    assertThat(cached.allowedScopes()).containsExactly("orders:read", "profile");
    assertThat(cached.tokenTtl()).isEqualTo(Duration.ofSeconds(900));
    assertThat(cached.jwks().getKeyByKeyId("k1")).isNotNull();

    // What GET gives can be sent back as it is (client_id and jwks included).
    JsonObject roundTrip = ok(api.call("PUT", path, s.encode()));
    assertThat(roundTrip).isEqualTo(s);

    // Full replace: jwks left out means none (and private_key_jwt then needs keys).
    assertProblem(api.call("PUT", path, s.copy().put("jwks", null).encode()), 400, "invalid_request");
    JsonObject noKeys = ok(api.call("PUT", path, settings().encode()));
    assertThat(noKeys.getValue("jwks")).isNull();
    assertThat(api.cache.oauthSettings(client).orElseThrow().jwks()).isNull();
  }

  @Test
  void ifMatchIsComparedInsideTheWriteSoOfTwoEditsOfOneVersionExactlyOneIsMade() {
    String etag = api.call("GET", path, null).headers().firstValue("etag").orElseThrow();
    HttpResponse<String> first = api.call("PUT", path, settings("a").encode(), api.adminToken, "If-Match", etag);
    HttpResponse<String> second = api.call("PUT", path, settings("b").encode(), api.adminToken, "If-Match", etag);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertProblem(second, 412, "precondition_failed");
    assertThat(json(api.call("GET", path, null)).getJsonArray("scopes").getList()).containsExactly("a");

    // The new ETag works; several tags, one of them current, work; * always works.
    String current = first.headers().firstValue("etag").orElseThrow();
    assertThat(api.call("PUT", path, settings("c").encode(), api.adminToken, "If-Match", "\"stale\", " + current).statusCode()).isEqualTo(200);
    assertThat(api.call("PUT", path, settings("d").encode(), api.adminToken, "If-Match", "*").statusCode()).isEqualTo(200);
    assertProblem(api.call("PUT", path, settings("e").encode(), api.adminToken, "If-Match", current), 412, "precondition_failed");

    // A weak tag is well-formed but never matches (If-Match compares strongly).
    assertProblem(api.call("PUT", path, settings("f").encode(), api.adminToken, "If-Match", "W/" + current), 412, "precondition_failed");
    // Malformed If-Match: 400, nothing written.
    for (String bad : List.of("abc", "\"", ",")) {
      assertProblem(api.call("PUT", path, settings("f").encode(), api.adminToken, "If-Match", bad), 400, "invalid_request");
    }
    assertThat(json(api.call("GET", path, null)).getJsonArray("scopes").getList()).containsExactly("d");
  }

  @Test
  void everyBadFieldIsA400NamingIt() {
    record Bad(String field, JsonObject body) {}
    JsonObject ok = settings("orders:read");
    List<Bad> cases = List.of(
        new Bad("scopes", without(ok, "scopes")),
        new Bad("scopes", ok.copy().put("scopes", "orders:read")),
        new Bad("scopes", ok.copy().put("scopes", new JsonArray().add(7))),
        new Bad("scopes", ok.copy().put("scopes", new JsonArray().add("has space"))),
        new Bad("scopes", ok.copy().put("scopes", new JsonArray().add("quote\""))),
        new Bad("token_ttl_seconds", without(ok, "token_ttl_seconds")),
        new Bad("token_ttl_seconds", ok.copy().put("token_ttl_seconds", 0)),
        new Bad("token_ttl_seconds", ok.copy().put("token_ttl_seconds", -5)),
        new Bad("token_ttl_seconds", ok.copy().put("token_ttl_seconds", 1.5)),
        new Bad("token_ttl_seconds", ok.copy().put("token_ttl_seconds", "900")),
        new Bad("token_ttl_seconds", ok.copy().put("token_ttl_seconds", new java.math.BigInteger("99999999999999999999999"))),
        new Bad("auth_methods", without(ok, "auth_methods")),
        new Bad("auth_methods", ok.copy().put("auth_methods", new JsonArray())),
        new Bad("auth_methods", ok.copy().put("auth_methods", new JsonArray().add("client_secret_jwt"))),
        new Bad("auth_methods", ok.copy().put("auth_methods", new JsonArray().add("none").add("client_secret_basic"))),
        new Bad("auth_methods", ok.copy().put("auth_methods", new JsonArray().add("private_key_jwt"))),
        new Bad("redirect_uris", without(ok, "redirect_uris")),
        new Bad("redirect_uris", ok.copy().put("redirect_uris", new JsonArray().add("http://evil.example.com/cb"))),
        new Bad("redirect_uris", ok.copy().put("redirect_uris", new JsonArray().add("https://app.example.com/cb#frag"))),
        new Bad("redirect_uris", ok.copy().put("redirect_uris", new JsonArray(java.util.stream.IntStream.range(0, 21)
            .mapToObj(i -> "https://app.example.com/" + i).toList()))),
        new Bad("jwks", ok.copy().put("jwks", "not a set")),
        new Bad("jwks", ok.copy().put("jwks", new JsonObject().put("keys", new JsonArray()))),
        new Bad("jwks", ok.copy().put("jwks", new JsonObject(ecKey("priv").toJSONObject()))),
        new Bad("client_id", ok.copy().put("client_id", "cli_someone_else")),
        new Bad("scope", ok.copy().put("scope", "orders:read")));
    String etag = api.call("GET", path, null).headers().firstValue("etag").orElseThrow();
    for (Bad bad : cases) {
      HttpResponse<String> r = api.call("PUT", path, bad.body().encode());
      assertProblem(r, 400, "invalid_request");
      assertThat(json(r).getString("detail")).as(bad.toString()).contains(bad.field());
    }
    assertProblem(api.call("PUT", path, "[]"), 400, "invalid_request");
    String twice = settings("a").encode().replace("\"scopes\":[\"a\"]", "\"scopes\":[\"a\"],\"scopes\":[\"b\"]");
    assertThat(json(api.call("PUT", path, twice)).getString("detail")).contains("twice");
    assertProblem(api.call("PUT", path, "{\"scopes\": ["), 400, "invalid_request");
    assertThat(api.call("GET", path, null).headers().firstValue("etag")).as("nothing was written").hasValue(etag);
  }

  @Test
  void aPrivateKeyInTheJwksIsRefusedWithoutRepeatingIt() {
    ECKey key = ecKey("leaky");
    String d = key.getD().toString();
    HttpResponse<String> r = api.call("PUT", path, settings().put("jwks", new JsonObject().put("keys",
        new JsonArray().add(new JsonObject(key.toJSONObject())))).encode());
    assertProblem(r, 400, "invalid_request");
    assertThat(json(r).getString("detail")).contains("jwks", "private").doesNotContain(d);
    assertThat(r.body()).doesNotContain(d);
  }

  @Test
  void unknownClientsAre404AndUnusableStoredSettingsCanBeReplaced() throws Exception {
    assertProblem(api.call("GET", "/admin/clients/cli_nope/oauth", null), 404, "not_found");
    assertProblem(api.call("PUT", "/admin/clients/cli_nope/oauth", settings().encode()), 404, "not_found");

    try (Connection c = api.db.database().dataSource().getConnection();
        PreparedStatement broken = c.prepareStatement("UPDATE clients SET auth_methods = 'telepathy' WHERE id = ?")) {
      broken.setString(1, client);
      broken.executeUpdate();
    }
    HttpResponse<String> get = api.call("GET", path, null);
    assertProblem(get, 409, "conflict");
    assertThat(json(get).getString("detail")).contains("PUT");
    assertProblem(api.call("PUT", path, settings("x").encode(), api.adminToken, "If-Match", "\"0123\""), 412, "precondition_failed");
    JsonObject fixed = ok(api.call("PUT", path, settings("x").encode(), api.adminToken, "If-Match", "*"));
    assertThat(fixed.getJsonArray("scopes").getList()).containsExactly("x");
    assertThat(api.cache.oauthSettings(client)).isPresent();
  }

  @Test
  void onlyOperatorsAndAdminsChangeSettings() {
    String readOnly = api.token(AdminRole.READ_ONLY);
    String minter = api.token(AdminRole.TOKEN_MINTER);
    String operator = api.token(AdminRole.OPERATOR);
    assertThat(api.call("GET", path, null, readOnly).statusCode()).isEqualTo(200);
    assertProblem(api.call("GET", path, null, minter), 403, "admin_role_forbidden");
    assertProblem(api.call("PUT", path, settings("r").encode(), readOnly), 403, "admin_role_forbidden");
    assertProblem(api.call("PUT", path, settings("m").encode(), minter), 403, "admin_role_forbidden");
    assertProblem(api.call("PUT", path, settings("n").encode(), null), 401, "admin_token_invalid");
    assertThat(json(api.call("GET", path, null)).getJsonArray("scopes")).isEmpty();
    assertThat(ok(api.call("PUT", path, settings("o").encode(), operator)).getJsonArray("scopes").getList()).containsExactly("o");
  }

  @Test
  void theCliAndTheApiShareTheSettingsStoreSoTheyShowTheSameShape() {
    api.oauth.setOAuthSettings(client, Set.of("b", "a"), Duration.ofMinutes(5), Set.of("client_secret_post"), null);
    JsonObject s = ok(api.call("GET", path, null));
    assertThat(s).isEqualTo(AdminResources.oauthSettings(client, api.oauth.oauthSettings(client)));
    assertThat(s.getJsonArray("scopes").getList()).containsExactly("a", "b");
  }

  private static JsonObject without(JsonObject o, String field) {
    JsonObject copy = o.copy();
    copy.remove(field);
    return copy;
  }
}
