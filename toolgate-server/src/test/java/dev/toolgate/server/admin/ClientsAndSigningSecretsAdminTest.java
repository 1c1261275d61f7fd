package dev.toolgate.server.admin;

import static dev.toolgate.server.admin.AdminApiHarness.assertProblem;
import static dev.toolgate.server.admin.AdminApiHarness.json;
import static dev.toolgate.server.admin.AdminApiHarness.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.port.SigningSecret;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** POST /admin/clients and /admin/signing-secrets over real HTTP: shapes, secrets shown once, bad input. */
class ClientsAndSigningSecretsAdminTest extends AdminApiTestBase {
  static final List<String> CLIENT_FIELDS = List.of("id", "name", "platform", "enabled", "created_at", "registration",
      "application_type", "redirect_uris", "auth_methods", "scopes");
  static final List<String> SECRET_FIELDS = List.of("id", "client_id", "created_at", "expires_at", "revoked_at");

  String client(String name) {
    return ok(api.call("POST", "/admin/clients", new JsonObject().put("name", name).put("platform", "sendbird").encode())).getString("id");
  }

  HttpResponse<String> addSecret(JsonObject body) {
    return api.call("POST", "/admin/signing-secrets", body.encode());
  }

  /** What the gateway will verify signatures with: the decrypted bytes, as a string. */
  String stored(String secretId) {
    return api.credentials.loadSnapshot().signingSecrets().stream().filter(s -> s.id().equals(secretId))
        .map(s -> new String(s.key(), StandardCharsets.UTF_8)).findFirst().orElseThrow();
  }

  // ---- clients ----

  @Test
  void aClientIsCreatedWithTheSameShapeAsItIsRead() {
    int refreshes = api.refreshes.get();
    HttpResponse<String> created = api.call("POST", "/admin/clients", "{\"name\":\"sendbird-prod\",\"platform\":\"sendbird\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject client = json(created);
    assertThat(client.fieldNames()).containsExactlyInAnyOrderElementsOf(CLIENT_FIELDS);
    assertThat(client.getString("id")).startsWith("cl_");
    assertThat(client.getString("name")).isEqualTo("sendbird-prod");
    assertThat(client.getString("platform")).isEqualTo("sendbird");
    assertThat(client.getBoolean("enabled")).isTrue();
    assertThat(client.getString("created_at")).isEqualTo(AdminApiHarness.START.toString());
    assertThat(client.getString("registration")).isEqualTo("admin");
    assertThat(created.headers().firstValue("location")).hasValue("/admin/clients/" + client.getString("id"));
    assertThat(api.refreshes.get()).as("the change is made visible at once").isEqualTo(refreshes + 1);

    assertThat(ok(api.call("GET", "/admin/clients/" + client.getString("id"), null))).isEqualTo(client);
    assertThat(api.credentials.findClient("sendbird-prod").orElseThrow().id()).isEqualTo(client.getString("id"));
    // The code flow's platform is always known; platforms named only by a tool are known too.
    assertThat(api.call("POST", "/admin/clients", "{\"name\":\"mcp\",\"platform\":\"oauth\"}").statusCode()).isEqualTo(201);
    assertThat(api.call("POST", "/admin/clients", "{\"name\":\"asapp\",\"platform\":\"asapp\"}").statusCode()).isEqualTo(201);
  }

  @Test
  void aClientCreationIsReplayedUnderItsIdempotencyKeyAndANameIsTakenOnce() {
    String body = "{\"name\":\"acme\",\"platform\":\"sendbird\"}";
    HttpResponse<String> first = api.call("POST", "/admin/clients", body, api.adminToken, "Idempotency-Key", "create-acme");
    HttpResponse<String> again = api.call("POST", "/admin/clients", body, api.adminToken, "Idempotency-Key", "create-acme");
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.headers().firstValue("idempotent-replayed")).hasValue("true");
    assertThat(json(again)).isEqualTo(json(first));
    assertThat(api.credentials.listClients()).hasSize(1);

    HttpResponse<String> taken = api.call("POST", "/admin/clients", "{\"name\":\"acme\",\"platform\":\"asapp\"}");
    assertProblem(taken, 409, "conflict");
    assertThat(json(taken).getString("detail")).contains("'acme' already exists");
  }

  @Test
  void badClientsAre400NamingTheField() {
    record Case(String body, String detail) {}
    for (Case c : List.of(
        new Case("{\"platform\":\"sendbird\"}", "name is required"),
        new Case("{\"name\":\"acme\"}", "platform is required"),
        new Case("{\"name\":7,\"platform\":\"sendbird\"}", "name must be a string"),
        new Case("{\"name\":\"acme\",\"platform\":[\"sendbird\"]}", "platform must be a string"),
        new Case("{\"name\":\"\",\"platform\":\"sendbird\"}", "name must be 1-64 characters"),
        new Case("{\"name\":\"has space\",\"platform\":\"sendbird\"}", "name must be 1-64 characters"),
        new Case("{\"name\":\"" + "a".repeat(65) + "\",\"platform\":\"sendbird\"}", "name must be 1-64 characters"),
        new Case("{\"name\":\"acme\",\"platform\":\"sendbrid\"}", "platform 'sendbrid' is not used in the configuration (known: asapp, oauth, sendbird)"),
        new Case("{\"name\":\"acme\",\"platform\":\"" + "p".repeat(5000) + "\"}", "(a name of 5000 characters)"),
        new Case("{\"name\":\"acme\",\"platform\":\"sendbird\",\"enabled\":false}", "unknown field 'enabled' (this request takes name, platform)"),
        new Case("[\"acme\"]", "must be a JSON object"),
        new Case("{\"name\":\"acme\",\"name\":\"other\",\"platform\":\"sendbird\"}", "names a field twice"),
        new Case("{\"name\":\"acme\"", "not valid JSON"))) {
      HttpResponse<String> r = api.call("POST", "/admin/clients", c.body());
      assertProblem(r, 400, "invalid_request");
      assertThat(json(r).getString("detail")).as(c.body()).contains(c.detail());
    }
    assertThat(api.credentials.listClients()).isEmpty();
    assertThat(api.refreshes.get()).isZero();
  }

  // ---- signing secrets ----

  @Test
  void aGeneratedSecretIsShownOnceAndStored() {
    String client = client("sendbird-prod");
    HttpResponse<String> created = addSecret(new JsonObject().put("client_id", client));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject secret = json(created);
    assertThat(secret.fieldNames()).containsExactlyInAnyOrderElementsOf(append(SECRET_FIELDS, "secret"));
    String id = secret.getString("id");
    assertThat(id).startsWith("sec_");
    assertThat(secret.getString("client_id")).isEqualTo(client);
    assertThat(secret.getString("created_at")).isEqualTo(AdminApiHarness.START.toString());
    assertThat(secret.getString("expires_at")).isNull();
    assertThat(secret.getString("revoked_at")).isNull();
    assertThat(secret.getString("secret")).matches("tgs_[A-Za-z0-9_-]{43}"); // as `secret add --generate` makes them
    assertThat(created.headers().firstValue("location")).hasValue("/admin/signing-secrets/" + id);
    assertThat(stored(id)).isEqualTo(secret.getString("secret"));

    // Never again: not in the list, not in the resource.
    HttpResponse<String> got = api.call("GET", "/admin/signing-secrets/" + id, null);
    JsonObject resource = ok(got);
    assertThat(resource.fieldNames()).containsExactlyInAnyOrderElementsOf(SECRET_FIELDS);
    JsonObject withoutSecret = secret.copy();
    withoutSecret.remove("secret");
    assertThat(resource).isEqualTo(withoutSecret);
    assertThat(got.headers().firstValue("etag")).hasValue(AdminJson.etag(resource));
    HttpResponse<String> list = api.call("GET", "/admin/signing-secrets?client_id=" + client, null);
    assertThat(ok(list).getJsonArray("signing_secrets").getList()).hasSize(1);
    assertThat(json(list).getJsonArray("signing_secrets").getJsonObject(0)).isEqualTo(withoutSecret);
    assertThat(list.body() + got.body()).doesNotContain(secret.getString("secret")).doesNotContain("tgs_");
  }

  @Test
  void aPlatformsSecretIsStoredAsTheCliStoresIt() {
    String client = client("sendbird-prod");
    // The CLI stores the UTF-8 bytes of the line with surrounding whitespace removed; so does the API.
    String given = "  4f1e\u00e9-master-token-\ud83d\udd11 \u3000";
    JsonObject secret = ok(addSecret(new JsonObject().put("client_id", client).put("value", given).put("expires_at", "2026-06-01T00:00:00Z")));
    assertThat(secret.getString("secret")).isEqualTo("4f1e\u00e9-master-token-\ud83d\udd11");
    assertThat(secret.getString("expires_at")).isEqualTo("2026-06-01T00:00:00Z");
    assertThat(stored(secret.getString("id"))).isEqualTo("4f1e\u00e9-master-token-\ud83d\udd11");

    // JSON escapes are decoded first: the stored bytes are the text's, not the escape's.
    JsonObject escaped = ok(api.call("POST", "/admin/signing-secrets", "{\"client_id\":\"" + client + "\",\"value\":\"caf\\u00e9\"}"));
    assertThat(api.credentials.loadSnapshot().signingSecrets().stream().filter(s -> s.id().equals(escaped.getString("id")))
        .findFirst().orElseThrow().key()).isEqualTo("caf\u00e9".getBytes(StandardCharsets.UTF_8));
    // Exactly MAX_VALUE_BYTES bytes is accepted.
    String longest = "k".repeat(SigningSecretsAdminEndpoint.MAX_VALUE_BYTES);
    assertThat(stored(ok(addSecret(new JsonObject().put("client_id", client).put("value", longest))).getString("id"))).isEqualTo(longest);
  }

  @Test
  void aReplayedCreationDoesNotShowTheSecretAgainNorStoreASecondOne() {
    String client = client("sendbird-prod");
    String body = new JsonObject().put("client_id", client).encode();
    HttpResponse<String> first = api.call("POST", "/admin/signing-secrets", body, api.adminToken, "Idempotency-Key", "k-1");
    HttpResponse<String> replay = api.call("POST", "/admin/signing-secrets", body, api.adminToken, "Idempotency-Key", "k-1");
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(replay.statusCode()).isEqualTo(201);
    assertThat(replay.headers().firstValue("idempotent-replayed")).hasValue("true");
    assertThat(replay.headers().firstValue("location")).isEqualTo(first.headers().firstValue("location"));
    JsonObject firstJson = json(first);
    String value = firstJson.getString("secret");
    firstJson.remove("secret");
    assertThat(json(replay)).isEqualTo(firstJson);
    assertThat(replay.body()).doesNotContain(value);
    assertThat(api.credentials.listSigningSecrets(client)).hasSize(1);

    // The same with a given value: it is not echoed on replay either.
    String given = new JsonObject().put("client_id", client).put("value", "platform-master-token").encode();
    assertThat(api.call("POST", "/admin/signing-secrets", given, api.adminToken, "Idempotency-Key", "k-2").body()).contains("platform-master-token");
    assertThat(api.call("POST", "/admin/signing-secrets", given, api.adminToken, "Idempotency-Key", "k-2").body()).doesNotContain("platform-master-token");
  }

  @Test
  void badValuesAre400AndNeverEchoed() {
    String client = client("sendbird-prod");
    String marker = "Zq7-do-not-echo";
    record Case(String json, String detail) {} // the value as JSON text: lone surrogates must travel as escapes
    for (Case c : List.of(
        new Case(q(""), "value must not be empty"),
        new Case(q(" \t\n "), "value must not be empty"),
        new Case(q(marker + "\nsecond line"), "control characters"),
        new Case(q(marker + "\u0000"), "control characters"),
        new Case(q(marker + "x".repeat(SigningSecretsAdminEndpoint.MAX_VALUE_BYTES)), "at most 1024 bytes"),
        new Case(q(marker + "\u00e9".repeat(SigningSecretsAdminEndpoint.MAX_VALUE_BYTES / 2)), "at most 1024 bytes"),
        new Case("\"" + marker + "\\ud83d\"", "unpaired surrogate"),
        new Case("\"" + marker + "\\udd11" + marker + "\"", "unpaired surrogate"),
        new Case("42", "value must be a string"),
        new Case("{\"v\":\"" + marker + "\"}", "value must be a string"),
        new Case("null", "value must be a string (leave it out"))) {
      HttpResponse<String> r = api.call("POST", "/admin/signing-secrets", "{\"client_id\":\"" + client + "\",\"value\":" + c.json() + "}");
      assertProblem(r, 400, "invalid_request");
      assertThat(json(r).getString("detail")).as(c.json()).contains(c.detail());
      assertThat(r.body()).doesNotContain(marker);
    }
    assertThat(api.credentials.listSigningSecrets(client)).isEmpty();
  }

  @Test
  void otherBadInputIs400NamingTheField() {
    String client = client("sendbird-prod");
    record Case(String body, String detail) {}
    for (Case c : List.of(
        new Case("{}", "client_id is required"),
        new Case("{\"client_id\":\"\"}", "client_id must not be empty"),
        new Case("{\"client_id\":[\"" + client + "\"]}", "client_id must be a string"),
        new Case("{\"client_id\":\"" + client + "\",\"expires_at\":\"tomorrow\"}", "expires_at must be an RFC 3339 time"),
        new Case("{\"client_id\":\"" + client + "\",\"expires_at\":1780000000000}", "expires_at must be a string"),
        new Case("{\"client_id\":\"" + client + "\",\"expires_at\":\"2026-02-30T00:00:00Z\"}", "expires_at must be an RFC 3339 time"),
        new Case("{\"client_id\":\"" + client + "\",\"expires_at\":\"2026-03-01T09:00:00Z\"}", "expires_at must be in the future"),
        new Case("{\"client_id\":\"" + client + "\",\"expires_at\":\"+10000-01-01T00:00:00Z\"}", "before the year 10000"),
        new Case("{\"client_id\":\"" + client + "\",\"expires_at\":\"+999999999-12-31T23:59:59Z\"}", "before the year 10000"),
        new Case("{\"client_id\":\"" + client + "\",\"expire_at\":\"2027-01-01T00:00:00Z\"}", "unknown field 'expire_at'"),
        new Case("{\"client_id\":\"" + client + "\",\"generate\":true}", "unknown field 'generate'"))) {
      HttpResponse<String> r = api.call("POST", "/admin/signing-secrets", c.body());
      assertProblem(r, 400, "invalid_request");
      assertThat(json(r).getString("detail")).as(c.body()).contains(c.detail());
    }
    assertThat(api.credentials.listSigningSecrets(client)).isEmpty();
  }

  @Test
  void anUnknownClientIs404AndADisabledOneMayBeGivenSecretsAsWithTheCli() {
    HttpResponse<String> unknown = addSecret(new JsonObject().put("client_id", "cl_nobody"));
    assertProblem(unknown, 404, "not_found");
    assertThat(json(unknown).getString("detail")).isEqualTo("no client with id 'cl_nobody'");
    // Names are not ids: client_id takes the id.
    client("sendbird-prod");
    assertProblem(addSecret(new JsonObject().put("client_id", "sendbird-prod")), 404, "not_found");
    assertProblem(api.call("GET", "/admin/signing-secrets?client_id=cl_nobody", null), 404, "not_found");

    // A disabled client keeps and gets credentials (they work again once it is enabled): the way to
    // replace a leaked secret is disable, revoke, add, enable.
    String client = client("paused");
    ok(api.call("POST", "/admin/clients/" + client + "/disable", null));
    HttpResponse<String> added = addSecret(new JsonObject().put("client_id", client));
    assertThat(added.statusCode()).isEqualTo(201);
    assertThat(api.credentials.loadSnapshot().clients().stream().filter(c -> c.id().equals(client)).findFirst().orElseThrow().enabled()).isFalse();
  }

  @Test
  void listsFilterByClientAndRevokingTwiceKeepsTheFirstTime() {
    String a = client("a");
    String b = client("b");
    String sa = ok(addSecret(new JsonObject().put("client_id", a))).getString("id");
    String sb = ok(addSecret(new JsonObject().put("client_id", b).put("value", "b-secret"))).getString("id");

    assertThat(ids(ok(api.call("GET", "/admin/signing-secrets", null)))).containsExactlyInAnyOrder(sa, sb);
    assertThat(ids(ok(api.call("GET", "/admin/signing-secrets?client_id=" + b, null)))).containsExactly(sb);

    api.clock.advance(Duration.ofMinutes(1));
    int refreshes = api.refreshes.get();
    JsonObject revoked = ok(api.call("POST", "/admin/signing-secrets/" + sa + "/revoke", null));
    assertThat(revoked.fieldNames()).containsExactlyInAnyOrderElementsOf(SECRET_FIELDS);
    assertThat(revoked.getString("revoked_at")).isEqualTo(AdminApiHarness.START.plus(Duration.ofMinutes(1)).toString());
    assertThat(api.refreshes.get()).isEqualTo(refreshes + 1);
    assertThat(api.credentials.loadSnapshot().signingSecrets()).extracting(SigningSecret::id).contains(sa);
    assertThat(api.credentials.loadSnapshot().signingSecrets().stream().filter(s -> s.id().equals(sa)).findFirst().orElseThrow()
        .activeAt(api.clock.instant())).isFalse();

    api.clock.advance(Duration.ofMinutes(1));
    HttpResponse<String> again = api.call("POST", "/admin/signing-secrets/" + sa + "/revoke", null);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json(again)).isEqualTo(revoked);
    assertThat(ok(api.call("GET", "/admin/signing-secrets/" + sb, null)).getString("revoked_at")).isNull();
  }

  @Test
  void unknownIdsAre404() {
    for (String[] call : new String[][] {
        {"GET", "/admin/signing-secrets/sec_nope"}, {"POST", "/admin/signing-secrets/sec_nope/revoke"},
        {"GET", "/admin/signing-secrets/tok_nope"}}) {
      HttpResponse<String> r = api.call(call[0], call[1], null);
      assertProblem(r, 404, "not_found");
      assertThat(json(r).getString("detail")).startsWith("no signing secret with id '");
    }
  }

  /** A string as JSON text. */
  static String q(String text) {
    return io.vertx.core.json.Json.encode(text);
  }

  static List<String> ids(JsonObject list) {
    String name = list.fieldNames().iterator().next();
    return list.getJsonArray(name).stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  static List<String> append(List<String> fields, String field) {
    List<String> all = new java.util.ArrayList<>(fields);
    all.add(field);
    return all;
  }
}
