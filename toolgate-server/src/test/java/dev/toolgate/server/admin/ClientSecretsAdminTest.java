package dev.toolgate.server.admin;

import static dev.toolgate.server.admin.AdminApiHarness.START;
import static dev.toolgate.server.admin.AdminApiHarness.assertProblem;
import static dev.toolgate.server.admin.AdminApiHarness.json;
import static dev.toolgate.server.admin.AdminApiHarness.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.secret.SecretDigest;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OAuth client secrets: created with the value once, listed, read, revoked; retries, hostile input, roles. */
class ClientSecretsAdminTest extends AdminApiTestBase {
  String client;

  @BeforeEach
  void start() {
    client = api.credentials.createClient("billing", "asapp").id();
  }

  String create(String body) {
    HttpResponse<String> r = api.call("POST", "/admin/client-secrets", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return json(r).getString("id");
  }

  @Test
  void aSecretIsShownOnceAndWorksAtOnce() {
    HttpResponse<String> created = api.call("POST", "/admin/client-secrets",
        new JsonObject().put("client_id", client).put("expires_at", "2026-06-01T00:00:00+02:00").encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject secret = json(created);
    assertThat(secret.fieldNames()).containsExactlyInAnyOrder("id", "client_id", "created_at", "expires_at", "revoked_at", "last_used_at", "secret");
    String id = secret.getString("id");
    assertThat(id).startsWith("cs_");
    assertThat(secret.getString("client_id")).isEqualTo(client);
    assertThat(secret.getString("created_at")).isEqualTo(START.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
    assertThat(secret.getString("expires_at")).isEqualTo("2026-05-31T22:00:00Z");
    assertThat(secret.getString("revoked_at")).isNull();
    String value = secret.getString("secret");
    assertThat(value).startsWith("tgc_");
    assertThat(created.headers().firstValue("location")).hasValue("/admin/client-secrets/" + id);
    // The token endpoint of this instance knows it before the answer.
    assertThat(api.cache.clientSecretByDigest(SecretDigest.of(value))).get().extracting(s -> s.id()).isEqualTo(id);

    HttpResponse<String> got = api.call("GET", "/admin/client-secrets/" + id, null);
    JsonObject one = ok(got);
    JsonObject withoutValue = secret.copy();
    withoutValue.remove("secret");
    assertThat(one).isEqualTo(withoutValue);
    assertThat(got.headers().firstValue("etag")).hasValue(AdminJson.etag(one));
    JsonObject all = ok(api.call("GET", "/admin/client-secrets", null));
    assertThat(all.fieldNames()).containsExactly("client_secrets");
    assertThat(all.getJsonArray("client_secrets").getList()).hasSize(1);
    for (String body : List.of(got.body(), all.encode(), api.call("GET", "/admin/client-secrets?client_id=" + client, null).body())) {
      assertThat(body).doesNotContain(value).doesNotContain(SecretDigest.of(value)).doesNotContain("\"secret\"");
    }
  }

  @Test
  void listsFilterByClient() {
    String other = api.credentials.createClient("other", "asapp").id();
    String mine = create(new JsonObject().put("client_id", client).encode());
    api.clock.advance(Duration.ofSeconds(1)); // oldest first
    String theirs = create(new JsonObject().put("client_id", other).encode());
    assertThat(ids(ok(api.call("GET", "/admin/client-secrets", null)))).containsExactly(mine, theirs);
    assertThat(ids(ok(api.call("GET", "/admin/client-secrets?client_id=" + other, null)))).containsExactly(theirs);
    assertProblem(api.call("GET", "/admin/client-secrets?client_id=cli_nope", null), 404, "not_found");
    assertProblem(api.call("GET", "/admin/client-secrets?client_id=", null), 400, "invalid_request");
    assertProblem(api.call("GET", "/admin/client-secrets?client_id=" + client + "&client_id=" + other, null), 400, "invalid_request");
    assertProblem(api.call("GET", "/admin/client-secrets?clientid=" + client, null), 400, "invalid_request");
  }

  @Test
  void revokingTwiceKeepsTheFirstTimeAndTakesEffectAtOnce() {
    HttpResponse<String> created = api.call("POST", "/admin/client-secrets", new JsonObject().put("client_id", client).encode());
    String id = json(created).getString("id");
    String value = json(created).getString("secret");
    JsonObject revoked = ok(api.call("POST", "/admin/client-secrets/" + id + "/revoke", null));
    String when = revoked.getString("revoked_at");
    assertThat(when).isNotNull();
    assertThat(api.cache.clientSecretByDigest(SecretDigest.of(value)).orElseThrow().revokedAt()).as("refused here at once").isNotNull();
    api.clock.advance(Duration.ofMinutes(5));
    assertThat(ok(api.call("POST", "/admin/client-secrets/" + id + "/revoke", null)).getString("revoked_at")).isEqualTo(when);
    assertProblem(api.call("POST", "/admin/client-secrets/cs_nope/revoke", null), 404, "not_found");
    assertProblem(api.call("GET", "/admin/client-secrets/cs_nope", null), 404, "not_found");
  }

  @Test
  void aRetriedCreationCreatesOneSecretAndDoesNotShowItAgain() {
    String body = new JsonObject().put("client_id", client).encode();
    HttpResponse<String> first = api.call("POST", "/admin/client-secrets", body, api.adminToken, "Idempotency-Key", "cs-1");
    HttpResponse<String> again = api.call("POST", "/admin/client-secrets", body, api.adminToken, "Idempotency-Key", "cs-1");
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.headers().firstValue("idempotent-replayed")).hasValue("true");
    assertThat(json(again).getString("id")).isEqualTo(json(first).getString("id"));
    assertThat(json(again).containsKey("secret")).isFalse();
    assertThat(again.body()).doesNotContain(json(first).getString("secret"));
    assertThat(api.oauth.listClientSecrets(client)).hasSize(1);
  }

  @Test
  void badCreationsAreRefusedNamingTheField() {
    record Bad(String body, int status, String detail) {}
    List<Bad> cases = List.of(
        new Bad("{}", 400, "client_id"),
        new Bad("{\"client_id\": 5}", 400, "client_id"),
        new Bad(new JsonObject().put("client_id", client).put("expires_at", "next week").encode(), 400, "expires_at"),
        new Bad(new JsonObject().put("client_id", client).put("expires_at", 1767225600000L).encode(), 400, "expires_at"),
        new Bad(new JsonObject().put("client_id", client).put("expires_at", START.minusSeconds(1).toString()).encode(), 400, "expires_at"),
        new Bad(new JsonObject().put("client_id", client).put("expires_at", START.toString()).encode(), 400, "expires_at"),
        new Bad(new JsonObject().put("client_id", client).put("expires", "2027-01-01T00:00:00Z").encode(), 400, "expires"),
        new Bad("[\"" + client + "\"]", 400, "object"),
        new Bad("{\"client_id\": \"" + client + "\", \"client_id\": \"cli_other\"}", 400, "twice"),
        new Bad(new JsonObject().put("client_id", "cli_nope").encode(), 404, "cli_nope"));
    for (Bad bad : cases) {
      HttpResponse<String> r = api.call("POST", "/admin/client-secrets", bad.body());
      assertProblem(r, bad.status(), bad.status() == 404 ? "not_found" : "invalid_request");
      assertThat(json(r).getString("detail")).as(bad.body()).contains(bad.detail());
    }
    assertThat(api.oauth.listAllClientSecrets()).isEmpty();
  }

  @Test
  void onlyOperatorsAndAdminsCreateOrRevoke() {
    String id = create(new JsonObject().put("client_id", client).encode());
    String body = new JsonObject().put("client_id", client).encode();
    for (AdminRole role : List.of(AdminRole.READ_ONLY, AdminRole.TOKEN_MINTER)) {
      String token = api.token(role);
      assertProblem(api.call("POST", "/admin/client-secrets", body, token), 403, "admin_role_forbidden");
      assertProblem(api.call("POST", "/admin/client-secrets/" + id + "/revoke", null, token), 403, "admin_role_forbidden");
    }
    String minter = api.token(AdminRole.TOKEN_MINTER);
    assertProblem(api.call("GET", "/admin/client-secrets", null, minter), 403, "admin_role_forbidden");
    assertProblem(api.call("GET", "/admin/client-secrets/" + id, null, minter), 403, "admin_role_forbidden");
    assertThat(api.oauth.listAllClientSecrets()).hasSize(1).allMatch(s -> s.revokedAt() == null);
    String operator = api.token(AdminRole.OPERATOR);
    assertThat(api.call("POST", "/admin/client-secrets/" + id + "/revoke", null, operator).statusCode()).isEqualTo(200);
    assertThat(api.call("GET", "/admin/client-secrets", null, api.token(AdminRole.READ_ONLY)).statusCode()).isEqualTo(200);
  }

  private static List<String> ids(JsonObject list) {
    return list.getJsonArray("client_secrets").stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }
}
