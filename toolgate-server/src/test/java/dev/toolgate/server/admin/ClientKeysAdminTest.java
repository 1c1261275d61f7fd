package dev.toolgate.server.admin;

import static dev.toolgate.server.admin.AdminApiHarness.assertProblem;
import static dev.toolgate.server.admin.AdminApiHarness.json;
import static dev.toolgate.server.admin.AdminApiHarness.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.toolgate.server.store.OAuthSettings;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A client's private_key_jwt keys one at a time: add, list, remove, hostile keys, If-Match, roles. */
class ClientKeysAdminTest extends AdminApiTestBase {
  String client;
  String keys;

  @BeforeEach
  void start() {
    client = api.credentials.createClient("signer", "asapp").id();
    keys = "/admin/clients/" + client + "/keys";
  }

  static ECKey ec(String kid) throws Exception {
    return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
  }

  static String add(JWK key) {
    return new JsonObject().put("jwk", new JsonObject(key.toJSONObject())).encode();
  }

  @Test
  void keysAreAddedListedAndRemovedAndUsedAtOnce() throws Exception {
    JsonObject empty = ok(api.call("GET", keys, null));
    assertThat(empty).isEqualTo(new JsonObject().put("keys", new io.vertx.core.json.JsonArray()));

    ECKey k1 = ec("k1");
    HttpResponse<String> created = api.call("POST", keys, add(k1.toPublicJWK()));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(json(created)).isEqualTo(new JsonObject(k1.toPublicJWK().toJSONObject()));
    assertThat(created.headers().firstValue("location")).hasValue(keys + "/k1");
    assertThat(api.cache.oauthSettings(client).orElseThrow().jwks().getKeyByKeyId("k1")).as("this instance has it").isNotNull();

    RSAKey k2 = new RSAKeyGenerator(2048).keyID("k2").keyUse(KeyUse.SIGNATURE).generate();
    assertThat(api.call("POST", keys, add(k2.toPublicJWK())).statusCode()).isEqualTo(201);
    JWK k3 = new OctetKeyPairGenerator(Curve.Ed25519).keyID("k3").generate().toPublicJWK();
    assertThat(api.call("POST", keys, add(k3)).statusCode()).isEqualTo(201);

    HttpResponse<String> listed = api.call("GET", keys, null);
    JsonObject list = ok(listed);
    assertThat(list.getJsonArray("keys").stream().map(k -> ((JsonObject) k).getString("kid"))).containsExactly("k1", "k2", "k3");
    assertThat(listed.headers().firstValue("etag")).hasValue(AdminJson.etag(list));
    assertThat(ok(api.call("GET", keys + "/k2", null))).isEqualTo(new JsonObject(k2.toPublicJWK().toJSONObject()));
    // The settings show the same set.
    assertThat(ok(api.call("GET", "/admin/clients/" + client + "/oauth", null)).getJsonObject("jwks")).isEqualTo(list);

    // Keys do not need private_key_jwt allowed; once it is, the last key stays.
    api.oauth.updateOAuthSettings(client, s -> new OAuthSettings(s.allowedScopes(), s.tokenTtl(), Set.of(OAuthSettings.PRIVATE_KEY_JWT), s.jwks(),
        s.redirectUris()));
    HttpResponse<String> removed = api.call("DELETE", keys + "/k1", null);
    JsonObject left = ok(removed);
    assertThat(left.getJsonArray("keys").stream().map(k -> ((JsonObject) k).getString("kid"))).containsExactly("k2", "k3");
    assertThat(removed.headers().firstValue("etag")).hasValue(AdminJson.etag(left));
    assertThat(api.cache.oauthSettings(client).orElseThrow().jwks().getKeyByKeyId("k1")).as("gone here at once").isNull();
    ok(api.call("DELETE", keys + "/k2", null));
    HttpResponse<String> last = api.call("DELETE", keys + "/k3", null);
    assertProblem(last, 409, "conflict");
    assertThat(json(last).getString("detail")).contains("last key", "private_key_jwt");
    assertThat(api.oauth.oauthSettings(client).jwks().getKeys()).hasSize(1);

    // Without private_key_jwt the last key may go; none left is no JWKS at all.
    api.oauth.updateOAuthSettings(client, s -> new OAuthSettings(s.allowedScopes(), s.tokenTtl(), OAuthSettings.DEFAULT.authMethods(), s.jwks(),
        s.redirectUris()));
    assertThat(ok(api.call("DELETE", keys + "/k3", null)).getJsonArray("keys")).isEmpty();
    assertThat(api.oauth.oauthSettings(client).jwks()).isNull();
  }

  @Test
  void aKidIsRegisteredOnceAndMissingOnesAre404() throws Exception {
    assertThat(api.call("POST", keys, add(ec("dup").toPublicJWK())).statusCode()).isEqualTo(201);
    HttpResponse<String> again = api.call("POST", keys, add(ec("dup").toPublicJWK()));
    assertProblem(again, 409, "conflict");
    assertThat(json(again).getString("detail")).contains("dup");
    assertThat(api.oauth.oauthSettings(client).jwks().getKeys()).hasSize(1);

    assertProblem(api.call("GET", keys + "/nope", null), 404, "not_found");
    assertProblem(api.call("DELETE", keys + "/nope", null), 404, "not_found");
    assertProblem(api.call("GET", "/admin/clients/cli_nope/keys", null), 404, "not_found");
    assertProblem(api.call("GET", "/admin/clients/cli_nope/keys/dup", null), 404, "not_found");
    assertProblem(api.call("POST", "/admin/clients/cli_nope/keys", add(ec("x").toPublicJWK())), 404, "not_found");
    assertProblem(api.call("DELETE", "/admin/clients/cli_nope/keys/dup", null), 404, "not_found");
  }

  @Test
  void aKidWithReservedCharactersIsAddressedPercentEncoded() throws Exception {
    HttpResponse<String> created = api.call("POST", keys, add(ec("team/a:2026?#1").toPublicJWK()));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String location = created.headers().firstValue("location").orElseThrow();
    assertThat(location).isEqualTo(keys + "/team%2Fa%3A2026%3F%231");
    assertThat(ok(api.call("GET", location, null)).getString("kid")).isEqualTo("team/a:2026?#1");
    assertThat(ok(api.call("DELETE", location, null)).getJsonArray("keys")).isEmpty();
  }

  @Test
  void hostileKeysAreRefusedWithoutRepeatingAnyKeyMaterial() throws Exception {
    RSAKey rsaPrivate = new RSAKeyGenerator(2048).keyID("rsa-private").generate();
    ECKey ecPrivate = ec("ec-private");
    OctetSequenceKey symmetric = new OctetSequenceKeyGenerator(256).keyID("hmac").generate();
    RSAKey small = new RSAKeyGenerator(1024, true).keyID("small").generate();
    RSAKey encryption = new RSAKeyGenerator(2048).keyID("enc").keyUse(KeyUse.ENCRYPTION).generate();
    List<String> material = List.of(rsaPrivate.getPrivateExponent().toString(), rsaPrivate.getFirstPrimeFactor().toString(),
        ecPrivate.getD().toString(), symmetric.getKeyValue().toString(), small.getPrivateExponent().toString());

    record Hostile(String name, String body, String detail) {}
    List<Hostile> cases = List.of(
        new Hostile("RSA private key", add(rsaPrivate), "private"),
        new Hostile("EC private key", add(ecPrivate), "private"),
        new Hostile("symmetric key", add(symmetric), "symmetric"),
        new Hostile("RSA 1024", add(small.toPublicJWK()), "2048"),
        new Hostile("encryption key", add(encryption.toPublicJWK()), "sig"),
        new Hostile("private RSA with bad CRT", new JsonObject().put("jwk", new JsonObject(rsaPrivate.toJSONObject()).put("q", 12)).encode(), "jwk"),
        new Hostile("private key, unknown kty", new JsonObject().put("jwk",
            new JsonObject(symmetric.toJSONObject()).put("kty", "XYZ")).encode(), "jwk"),
        new Hostile("a set, not a key", new JsonObject().put("jwk", new JsonObject().put("keys", new io.vertx.core.json.JsonArray()
            .add(new JsonObject(ecPrivate.toJSONObject())))).encode(), "not a JWK set"),
        new Hostile("no kid", add(new ECKey.Builder(ecPrivate.toPublicJWK()).keyID(null).build()), "kid"),
        new Hostile("kid with a space", add(new ECKey.Builder(ecPrivate.toPublicJWK()).keyID("a b").build()), "kid"),
        new Hostile("kid too long", add(new ECKey.Builder(ecPrivate.toPublicJWK()).keyID("k".repeat(129)).build()), "kid"),
        new Hostile("jwk a string", "{\"jwk\":\"" + ecPrivate.toJSONString().replace("\"", "\\\"") + "\"}", "jwk"),
        new Hostile("no jwk", "{}", "jwk"),
        new Hostile("unknown field", new JsonObject().put("jwk", new JsonObject(ecPrivate.toPublicJWK().toJSONObject()))
            .put("private", new JsonObject(ecPrivate.toJSONObject())).encode(), "unknown field"));
    for (Hostile hostile : cases) {
      HttpResponse<String> r = api.call("POST", keys, hostile.body());
      assertProblem(r, 400, "invalid_request");
      assertThat(json(r).getString("detail")).as(hostile.name()).contains(hostile.detail());
      for (String secret : material) {
        assertThat(r.body()).as(hostile.name()).doesNotContain(secret);
      }
    }
    assertThat(api.oauth.oauthSettings(client).jwks()).as("nothing registered").isNull();

    // A key too large for the body limit never reaches the parser.
    String huge = new JsonObject().put("jwk", new JsonObject(ecPrivate.toPublicJWK().toJSONObject()).put("x5u", "https://e.example/" + "a".repeat(1 << 20)))
        .encode();
    assertProblem(api.call("POST", keys, huge), 413, "body_too_large");
  }

  @Test
  void aSetThatWouldGrowTooLargeToReadBackIsRefused() throws Exception {
    RSAKey base = new RSAKeyGenerator(4096).generate().toPublicJWK();
    int added = 0;
    HttpResponse<String> r;
    do {
      r = api.call("POST", keys, add(new RSAKey.Builder(base).keyID("k" + added).build()));
      added++;
    } while (r.statusCode() == 201 && added < 200);
    assertProblem(r, 400, "invalid_request");
    assertThat(json(r).getString("detail")).contains("too large");
    assertThat(api.oauth.oauthSettings(client).jwks().getKeys()).as("what was stored reads back").hasSize(added - 1);
  }

  @Test
  void ifMatchNamesTheKeyListAndAStaleOneChangesNothing() throws Exception {
    String etag = api.call("GET", keys, null).headers().firstValue("etag").orElseThrow();
    assertThat(api.call("POST", keys, add(ec("a").toPublicJWK()), api.adminToken, "If-Match", etag).statusCode()).isEqualTo(201);
    assertProblem(api.call("POST", keys, add(ec("b").toPublicJWK()), api.adminToken, "If-Match", etag), 412, "precondition_failed");
    String now = api.call("GET", keys, null).headers().firstValue("etag").orElseThrow();
    // A change of the other settings leaves the key list, and so its ETag, as it was.
    api.oauth.updateOAuthSettings(client, s -> new OAuthSettings(Set.of("x"), Duration.ofMinutes(1), s.authMethods(), s.jwks(), s.redirectUris()));
    assertThat(api.call("GET", keys, null).headers().firstValue("etag")).hasValue(now);
    assertProblem(api.call("DELETE", keys + "/a", null, api.adminToken, "If-Match", etag), 412, "precondition_failed");
    assertProblem(api.call("DELETE", keys + "/a", null, api.adminToken, "If-Match", "nope"), 400, "invalid_request");
    assertThat(ok(api.call("DELETE", keys + "/a", null, api.adminToken, "If-Match", now)).getJsonArray("keys")).isEmpty();
  }

  @Test
  void aRetriedAdditionIsMadeOnce() throws Exception {
    String body = add(ec("once").toPublicJWK());
    HttpResponse<String> first = api.call("POST", keys, body, api.adminToken, "Idempotency-Key", "add-once");
    HttpResponse<String> again = api.call("POST", keys, body, api.adminToken, "Idempotency-Key", "add-once");
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.headers().firstValue("idempotent-replayed")).hasValue("true");
    assertThat(json(again)).isEqualTo(json(first));
    assertThat(api.oauth.oauthSettings(client).jwks().getKeys()).hasSize(1);
  }

  @Test
  void onlyOperatorsAndAdminsChangeKeys() throws Exception {
    String body = add(ec("r").toPublicJWK());
    ok(api.call("POST", keys, add(ec("stays").toPublicJWK())));
    for (AdminRole role : List.of(AdminRole.READ_ONLY, AdminRole.TOKEN_MINTER)) {
      String token = api.token(role);
      assertProblem(api.call("POST", keys, body, token), 403, "admin_role_forbidden");
      assertProblem(api.call("DELETE", keys + "/stays", null, token), 403, "admin_role_forbidden");
    }
    String minter = api.token(AdminRole.TOKEN_MINTER);
    assertProblem(api.call("GET", keys, null, minter), 403, "admin_role_forbidden");
    assertProblem(api.call("GET", keys + "/stays", null, minter), 403, "admin_role_forbidden");
    assertThat(api.call("GET", keys, null, api.token(AdminRole.READ_ONLY)).statusCode()).isEqualTo(200);
    assertThat(api.oauth.oauthSettings(client).jwks().getKeys()).extracting(JWK::getKeyID).containsExactly("stays");
    assertThat(api.call("POST", keys, body, api.token(AdminRole.OPERATOR)).statusCode()).isEqualTo(201);
  }
}
