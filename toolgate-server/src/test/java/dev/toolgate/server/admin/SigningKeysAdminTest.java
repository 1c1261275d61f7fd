package dev.toolgate.server.admin;

import static dev.toolgate.server.admin.AdminApiHarness.START;
import static dev.toolgate.server.admin.AdminApiHarness.assertProblem;
import static dev.toolgate.server.admin.AdminApiHarness.json;
import static dev.toolgate.server.admin.AdminApiHarness.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.token.SigningAlgorithm;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Toolgate's signing keys: listed without key material, rotated and revoked with this instance's key ring reloaded at once. */
class SigningKeysAdminTest extends AdminApiTestBase {
  static final List<String> FIELDS = List.of("kid", "algorithm", "state", "master_key_id", "created_at", "activated_at", "retired_at");
  String first;

  @BeforeEach
  void start() {
    first = api.cache.keyRing().active().kid();
  }

  @Test
  void theListShowsStatesAndDatesButNoKeyMaterial() {
    JsonObject list = ok(api.call("GET", "/admin/signing-keys", null));
    assertThat(list.fieldNames()).containsExactly("signing_keys");
    JsonObject key = list.getJsonArray("signing_keys").getJsonObject(0);
    assertThat(key.fieldNames()).containsExactlyInAnyOrderElementsOf(FIELDS);
    assertThat(key.getString("kid")).isEqualTo(first);
    assertThat(key.getString("algorithm")).isEqualTo("ES256");
    assertThat(key.getString("state")).isEqualTo("active");
    assertThat(key.getString("master_key_id")).isEqualTo(api.box.keyId());
    assertThat(key.getString("activated_at")).isEqualTo(START.toString());
    HttpResponse<String> one = api.call("GET", "/admin/signing-keys/" + first, null);
    assertThat(json(one)).isEqualTo(key);
    assertThat(one.headers().firstValue("etag")).hasValue(AdminJson.etag(key));
    assertProblem(api.call("GET", "/admin/signing-keys/kid_nope", null), 404, "not_found");
  }

  @Test
  void rotationActivatesANewKeyHereBeforeTheAnswer() {
    api.clock.advance(Duration.ofMinutes(1));
    HttpResponse<String> r = api.call("POST", "/admin/signing-keys/rotate", "{\"algorithm\": \"EdDSA\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonObject key = json(r);
    assertThat(key.fieldNames()).containsExactlyInAnyOrderElementsOf(FIELDS);
    assertThat(key.getString("algorithm")).isEqualTo("EdDSA");
    assertThat(key.getString("state")).isEqualTo("active");
    assertThat(r.headers().firstValue("location")).hasValue("/admin/signing-keys/" + key.getString("kid"));
    assertThat(api.cache.keyRing().active().kid()).as("this instance signs with it").isEqualTo(key.getString("kid"));
    assertThat(api.cache.keyRing().active().algorithm()).isEqualTo(SigningAlgorithm.EDDSA);

    JsonObject previous = ok(api.call("GET", "/admin/signing-keys/" + first, null));
    assertThat(previous.getString("state")).isEqualTo("published");
    assertThat(previous.getString("retired_at")).isEqualTo(START.plus(Duration.ofMinutes(1)).toString());
    assertThat(api.cache.keyRing().key(first)).as("still verifies what it signed").isPresent();

    // Without an algorithm: the configured one.
    assertThat(json(api.call("POST", "/admin/signing-keys/rotate", null)).getString("algorithm"))
        .isEqualTo(AdminApiHarness.CONFIG.authorizationServer().signingAlgorithm().jws().getName());
    assertThat(json(api.call("POST", "/admin/signing-keys/rotate", "{\"algorithm\": \"es256\"}")).getString("algorithm")).isEqualTo("ES256");
    assertThat(api.signingKeys.list(AdminApiHarness.MAX_TOKEN_LIFETIME)).hasSize(4);
  }

  @Test
  void aRetriedRotationRotatesOnce() {
    HttpResponse<String> first = api.call("POST", "/admin/signing-keys/rotate", "{}", api.adminToken, "Idempotency-Key", "rotate-1");
    HttpResponse<String> again = api.call("POST", "/admin/signing-keys/rotate", "{}", api.adminToken, "Idempotency-Key", "rotate-1");
    assertThat(again.headers().firstValue("idempotent-replayed")).hasValue("true");
    assertThat(json(again).getString("kid")).isEqualTo(json(first).getString("kid"));
    assertThat(api.signingKeys.list(AdminApiHarness.MAX_TOKEN_LIFETIME)).hasSize(2);
  }

  @Test
  void revokingARetiredKeyTakesItOutOfThisInstancesRingAtOnce() {
    String second = json(api.call("POST", "/admin/signing-keys/rotate", null)).getString("kid");
    api.clock.advance(Duration.ofMinutes(2));
    HttpResponse<String> r = api.call("POST", "/admin/signing-keys/" + first + "/revoke", null);
    JsonObject revoked = ok(r);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(revoked.getString("kid")).isEqualTo(first);
    assertThat(revoked.getString("state")).isEqualTo("revoked");
    assertThat(revoked.getString("retired_at")).as("retired by the rotation").isEqualTo(START.toString());
    assertThat(revoked.getValue("replacement")).isNull();
    assertThat(api.cache.keyRing().key(first)).as("tokens it signed are refused here now").isEmpty();
    assertThat(api.cache.keyRing().active().kid()).isEqualTo(second);

    // It is gone: a second revocation finds nothing.
    assertProblem(api.call("POST", "/admin/signing-keys/" + first + "/revoke", null), 404, "not_found");
    assertProblem(api.call("GET", "/admin/signing-keys/" + first, null), 404, "not_found");
  }

  @Test
  void revokingTheActiveKeyActivatesItsReplacementInTheSameStep() {
    api.clock.advance(Duration.ofMinutes(3));
    JsonObject revoked = ok(api.call("POST", "/admin/signing-keys/" + first + "/revoke", "{\"algorithm\": \"ES256\"}"));
    assertThat(revoked.getString("state")).isEqualTo("revoked");
    assertThat(revoked.getString("retired_at")).isEqualTo(START.plus(Duration.ofMinutes(3)).toString());
    JsonObject replacement = revoked.getJsonObject("replacement");
    assertThat(replacement.fieldNames()).containsExactlyInAnyOrderElementsOf(FIELDS);
    assertThat(replacement.getString("state")).isEqualTo("active");
    assertThat(replacement.getString("algorithm")).isEqualTo("ES256");
    assertThat(api.cache.keyRing().active().kid()).isEqualTo(replacement.getString("kid"));
    assertThat(api.cache.keyRing().key(first)).isEmpty();
    assertThat(api.signingKeys.list(AdminApiHarness.MAX_TOKEN_LIFETIME)).hasSize(1);
  }

  @Test
  void badAlgorithmsAndBodiesChangeNothing() {
    for (String body : List.of("{\"algorithm\": \"HS256\"}", "{\"algorithm\": \"none\"}", "{\"algorithm\": 256}", "{\"alg\": \"ES256\"}",
        "{\"algorithm\": \"ES256\", \"algorithm\": \"HS256\"}", "[1]", "{")) {
      assertProblem(api.call("POST", "/admin/signing-keys/rotate", body), 400, "invalid_request");
      assertProblem(api.call("POST", "/admin/signing-keys/" + first + "/revoke", body), 400, "invalid_request");
    }
    assertProblem(api.call("POST", "/admin/signing-keys/kid_nope/revoke", null), 404, "not_found");
    assertThat(api.signingKeys.list(AdminApiHarness.MAX_TOKEN_LIFETIME)).hasSize(1);
    assertThat(api.cache.keyRing().active().kid()).isEqualTo(first);
  }

  @Test
  void onlyOperatorsAndAdminsRotateOrRevoke() {
    for (AdminRole role : List.of(AdminRole.READ_ONLY, AdminRole.TOKEN_MINTER)) {
      String token = api.token(role);
      assertProblem(api.call("POST", "/admin/signing-keys/rotate", null, token), 403, "admin_role_forbidden");
      assertProblem(api.call("POST", "/admin/signing-keys/" + first + "/revoke", null, token), 403, "admin_role_forbidden");
    }
    String minter = api.token(AdminRole.TOKEN_MINTER);
    assertProblem(api.call("GET", "/admin/signing-keys", null, minter), 403, "admin_role_forbidden");
    assertProblem(api.call("GET", "/admin/signing-keys/" + first, null, minter), 403, "admin_role_forbidden");
    assertThat(api.call("GET", "/admin/signing-keys", null, api.token(AdminRole.READ_ONLY)).statusCode()).isEqualTo(200);
    assertThat(api.signingKeys.list(AdminApiHarness.MAX_TOKEN_LIFETIME)).hasSize(1);
    assertThat(api.call("POST", "/admin/signing-keys/rotate", null, api.token(AdminRole.OPERATOR)).statusCode()).isEqualTo(201);
  }
}
