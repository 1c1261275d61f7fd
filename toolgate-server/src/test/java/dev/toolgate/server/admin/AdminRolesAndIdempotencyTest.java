package dev.toolgate.server.admin;

import static dev.toolgate.server.admin.AdminApiHarness.assertProblem;
import static dev.toolgate.server.admin.AdminApiHarness.json;
import static dev.toolgate.server.admin.AdminApiHarness.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.server.store.Jdbc;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Admin token roles on every kind of route, admin tokens over the API, Idempotency-Key and ETags. */
class AdminRolesAndIdempotencyTest extends AdminApiTestBase {

  String createUser(String name) {
    return ok(api.call("POST", "/admin/users", new JsonObject().put("username", name).encode())).getString("id");
  }

  @Test
  void readOnlyReadsButChangesNothing() {
    String readOnly = api.token(AdminRole.READ_ONLY);
    assertThat(api.call("GET", "/admin/clients", null, readOnly).statusCode()).isEqualTo(200);
    assertThat(api.call("GET", "/admin/users", null, readOnly).statusCode()).isEqualTo(200);
    HttpResponse<String> refused = api.call("POST", "/admin/users", "{\"username\":\"mallory\"}", readOnly);
    assertProblem(refused, 403, "admin_role_forbidden");
    assertThat(json(refused).getString("detail")).contains("read_only").doesNotContain("tga_");
    assertThat(api.users.findUserByUsername("mallory")).isEmpty();
    assertProblem(api.call("POST", "/admin/admin-tokens", "{\"name\":\"x\"}", readOnly), 403, "admin_role_forbidden");
  }

  @Test
  void aTokenMinterOnlyMintsCustomerTokens() {
    String alice = createUser("alice");
    String minter = api.token(AdminRole.TOKEN_MINTER);
    JsonObject minted = ok(api.call("POST", "/admin/users/" + alice + "/customer-token", "{}", minter));
    assertThat(minted.getString("JWT")).isNotBlank();
    assertProblem(api.call("GET", "/admin/users", null, minter), 403, "admin_role_forbidden");
    assertProblem(api.call("GET", "/admin/users/" + alice, null, minter), 403, "admin_role_forbidden");
    assertProblem(api.call("POST", "/admin/users/" + alice + "/password", "{\"password\":\"correct horse battery\"}", minter),
        403, "admin_role_forbidden");
    assertProblem(api.call("GET", "/admin/clients", null, minter), 403, "admin_role_forbidden");
  }

  @Test
  void anOperatorManagesEverythingButAdminTokens() {
    String operator = api.token(AdminRole.OPERATOR);
    assertThat(api.call("POST", "/admin/users", "{\"username\":\"bob\"}", operator).statusCode()).isEqualTo(201);
    assertProblem(api.call("GET", "/admin/admin-tokens", null, operator), 403, "admin_role_forbidden");
    assertProblem(api.call("POST", "/admin/admin-tokens", "{\"name\":\"escalate\",\"role\":\"admin\"}", operator), 403, "admin_role_forbidden");
  }

  @Test
  void adminTokensAreCreatedShownOnceAndRevoked() {
    HttpResponse<String> created = api.call("POST", "/admin/admin-tokens",
        new JsonObject().put("name", "ci").put("role", "read_only").put("expires_at", "2026-04-01T00:00:00Z").encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject token = json(created);
    assertThat(token.fieldNames()).containsExactlyInAnyOrder("id", "name", "role", "created_at", "expires_at", "revoked_at", "last_used_at", "secret");
    assertThat(token.getString("role")).isEqualTo("read_only");
    assertThat(token.getString("expires_at")).isEqualTo("2026-04-01T00:00:00Z");
    assertThat(created.headers().firstValue("location")).hasValue("/admin/admin-tokens/" + token.getString("id"));
    String secret = token.getString("secret");
    assertThat(api.call("GET", "/admin/clients", null, secret).statusCode()).isEqualTo(200); // usable at once

    JsonObject listed = ok(api.call("GET", "/admin/admin-tokens", null));
    assertThat(listed.getJsonArray("admin_tokens")).hasSize(2);
    assertThat(listed.encode()).doesNotContain(secret).doesNotContain("\"secret\"");

    JsonObject revoked = ok(api.call("POST", "/admin/admin-tokens/" + token.getString("id") + "/revoke", null));
    assertThat(revoked.getString("revoked_at")).isEqualTo(AdminApiHarness.START.toString());
    assertProblem(api.call("GET", "/admin/clients", null, secret), 401, "admin_token_invalid");
    api.clock.advance(Duration.ofMinutes(1));
    assertThat(ok(api.call("POST", "/admin/admin-tokens/" + token.getString("id") + "/revoke", null)).getString("revoked_at"))
        .as("revoking again keeps the first time").isEqualTo(AdminApiHarness.START.toString());

    assertProblem(api.call("POST", "/admin/admin-tokens", "{\"name\":\"x\",\"role\":\"root\"}"), 400, "invalid_request");
    assertProblem(api.call("POST", "/admin/admin-tokens", "{\"name\":\"x\",\"expires_at\":\"tomorrow\"}"), 400, "invalid_request");
    assertProblem(api.call("POST", "/admin/admin-tokens", "{\"name\":\"x\",\"expires_at\":\"+999999999-12-31T23:59:59Z\"}"), 400, "invalid_request");
    assertProblem(api.call("POST", "/admin/admin-tokens", "{\"name\":\"x\",\"expires_at\":\"+100000-01-01T00:00:00Z\"}"), 400, "invalid_request");
    assertProblem(api.call("POST", "/admin/admin-tokens/adm_nope/revoke", null), 404, "not_found");
  }

  @Test
  void aRetriedCreationWithTheSameKeyCreatesOnceAndNeverReplaysTheSecret() {
    String body = "{\"name\":\"deploy\",\"role\":\"operator\"}";
    HttpResponse<String> first = api.call("POST", "/admin/admin-tokens", body, api.adminToken, "Idempotency-Key", "8f14e45f-ceea");
    HttpResponse<String> again = api.call("POST", "/admin/admin-tokens", body, api.adminToken, "Idempotency-Key", "8f14e45f-ceea");
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.headers().firstValue("idempotent-replayed")).hasValue("true");
    assertThat(first.headers().firstValue("idempotent-replayed")).isEmpty();
    assertThat(again.headers().firstValue("location")).isEqualTo(first.headers().firstValue("location"));
    JsonObject replayed = json(again);
    assertThat(replayed.getString("id")).isEqualTo(json(first).getString("id"));
    assertThat(replayed.containsKey("secret")).isFalse();
    assertThat(again.body()).doesNotContain(json(first).getString("secret"));
    assertThat(api.tokens.list()).hasSize(2);

    // The same key for another request; a key another admin token used is its own.
    assertProblem(api.call("POST", "/admin/admin-tokens", "{\"name\":\"other\"}", api.adminToken, "Idempotency-Key", "8f14e45f-ceea"),
        422, "idempotency_key_reused");
    String otherAdmin = api.token(AdminRole.ADMIN);
    assertThat(api.call("POST", "/admin/admin-tokens", body, otherAdmin, "Idempotency-Key", "8f14e45f-ceea").headers()
        .firstValue("idempotent-replayed")).isEmpty();

    // Forgotten after 24 hours.
    api.clock.advance(IdempotencyKeys.KEPT.plusMinutes(1));
    HttpResponse<String> later = api.call("POST", "/admin/admin-tokens", body, api.adminToken, "Idempotency-Key", "8f14e45f-ceea");
    assertThat(later.headers().firstValue("idempotent-replayed")).isEmpty();
    assertThat(json(later).getString("id")).isNotEqualTo(json(first).getString("id"));
  }

  @Test
  void aFailedCreationFreesItsKeyAndBadKeysAreRefused() {
    assertProblem(api.call("POST", "/admin/users", "{\"username\":\"\"}", api.adminToken, "Idempotency-Key", "k1"), 400, "invalid_request");
    HttpResponse<String> retried = api.call("POST", "/admin/users", "{\"username\":\"carol\"}", api.adminToken, "Idempotency-Key", "k1");
    assertThat(retried.statusCode()).as(retried.body()).isEqualTo(201);

    assertProblem(api.call("POST", "/admin/users", "{\"username\":\"dave\"}", api.adminToken, "Idempotency-Key", "x".repeat(256)),
        400, "invalid_request");
    assertProblem(api.call("POST", "/admin/users", "{\"username\":\"dave\"}", api.adminToken, "Idempotency-Key", "two words"),
        400, "invalid_request");
    assertThat(api.users.findUserByUsername("dave")).isEmpty();
  }

  @Test
  void aKeyStillInFlightIsRefusedUntilItsRequestIsTakenToHaveDied() {
    IdempotencyKeys keys = new IdempotencyKeys(api.db.database(), api.clock);
    assertThat(keys.reserve("adm_a", "k", "d1")).isInstanceOf(IdempotencyKeys.Reserved.class);
    assertThat(keys.reserve("adm_a", "k", "d1")).isInstanceOf(IdempotencyKeys.InFlight.class);
    assertThat(keys.reserve("adm_a", "k", "d2")).isInstanceOf(IdempotencyKeys.Mismatch.class);
    api.clock.advance(IdempotencyKeys.ABANDONED_AFTER.plusSeconds(1));
    assertThat(keys.reserve("adm_a", "k", "d1")).isInstanceOf(IdempotencyKeys.Reserved.class);
    keys.complete("adm_a", "k", 201, "/x", "{}");
    assertThat(keys.reserve("adm_a", "k", "d1")).isEqualTo(new IdempotencyKeys.Replay(201, "/x", "{}"));
  }

  @Test
  void aKeyWhoseRequestWroteButDiedBeforeItsAnswerWasRecordedIsNeverRunAgain() throws Exception {
    IdempotencyKeys keys = new IdempotencyKeys(api.db.database(), api.clock);
    AdminTokenStore tokens = new AdminTokenStore(api.db.database());
    assertThat(keys.reserve("adm_a", "wrote", "d")).isInstanceOf(IdempotencyKeys.Reserved.class);
    // The creation commits; the process dies before complete() (here: it is never called).
    Jdbc.alsoInEachWrite(keys.markCarriedOut("adm_a", "wrote"), () -> tokens.create("made-once", null));
    keys.release("adm_a", "wrote"); // what a failure after the write would do: the key stays
    api.clock.advance(IdempotencyKeys.ABANDONED_AFTER.plusSeconds(1));
    assertThat(keys.reserve("adm_a", "wrote", "d")).as("not taken over: it would run twice").isInstanceOf(IdempotencyKeys.CarriedOut.class);

    assertThat(keys.reserve("adm_a", "rolled-back", "d")).isInstanceOf(IdempotencyKeys.Reserved.class);
    Jdbc jdbc = new Jdbc(api.db.database());
    assertThatThrownBy(() -> Jdbc.alsoInEachWrite(keys.markCarriedOut("adm_a", "rolled-back"), () -> jdbc.write("fail", c -> {
      throw new IllegalStateException("the creation fails: its transaction, mark included, rolls back");
    }))).isInstanceOf(IllegalStateException.class);
    api.clock.advance(IdempotencyKeys.ABANDONED_AFTER.plusSeconds(1));
    assertThat(keys.reserve("adm_a", "rolled-back", "d")).as("nothing was done: a retry runs it").isInstanceOf(IdempotencyKeys.Reserved.class);
  }

  @Test
  void aCarriedOutKeyIsAnswered409WithoutRunningTheRequestAgain() {
    String client = ok(api.call("POST", "/admin/clients", new JsonObject().put("name", "carried").put("platform", "sendbird").encode()))
        .getString("id");
    String body = new JsonObject().put("client_id", client).encode();
    HttpResponse<String> first = api.call("POST", "/admin/static-tokens", body, api.adminToken, "Idempotency-Key", "k-carried");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    // As if the process had died after the creation committed and before its answer was recorded.
    new Jdbc(api.db.database()).write("forget the answer", c -> {
      try (var update = c.prepareStatement("UPDATE idempotency_keys SET status = 0, location = NULL, response = NULL WHERE idem_key = 'k-carried'")) {
        update.executeUpdate();
      }
      return null;
    });
    String list = "/admin/static-tokens?client_id=" + client;
    assertThat(ok(api.call("GET", list, null)).getJsonArray("static_tokens")).hasSize(1);
    assertProblem(api.call("POST", "/admin/static-tokens", body, api.adminToken, "Idempotency-Key", "k-carried"), 409, "idempotency_key_in_use");
    assertThat(ok(api.call("GET", list, null)).getJsonArray("static_tokens")).as("not created twice").hasSize(1);
  }

  @Test
  void anIfMatchNobodyWouldCheckIsRefusedNotIgnored() {
    String alice = createUser("alice");
    assertProblem(api.call("POST", "/admin/users/" + alice + "/disable", null, api.adminToken, "If-Match", "\"stale\""),
        400, "invalid_request");
    assertThat(api.users.findUser(alice).orElseThrow().disabled()).isFalse();
  }

  @Test
  void singleResourcesCarryAnEtagThatChangesWithThem() {
    String alice = createUser("alice");
    HttpResponse<String> first = api.call("GET", "/admin/users/" + alice, null);
    String etag = first.headers().firstValue("etag").orElseThrow();
    assertThat(etag).matches("\"[0-9a-f]{32}\"");
    assertThat(api.call("GET", "/admin/users/" + alice, null).headers().firstValue("etag")).hasValue(etag);
    ok(api.call("POST", "/admin/users/" + alice + "/disable", null));
    assertThat(api.call("GET", "/admin/users/" + alice, null).headers().firstValue("etag")).isPresent().get().isNotEqualTo(etag);
  }
}
