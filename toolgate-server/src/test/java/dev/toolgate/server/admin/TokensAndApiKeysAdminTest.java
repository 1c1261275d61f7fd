package dev.toolgate.server.admin;

import static dev.toolgate.server.admin.AdminApiHarness.assertProblem;
import static dev.toolgate.server.admin.AdminApiHarness.json;
import static dev.toolgate.server.admin.AdminApiHarness.ok;
import static dev.toolgate.server.admin.ClientsAndSigningSecretsAdminTest.append;
import static dev.toolgate.server.admin.ClientsAndSigningSecretsAdminTest.ids;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.port.ApiKey;
import dev.toolgate.core.port.StaticToken;
import dev.toolgate.core.secret.SecretDigest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** /admin/static-tokens and /admin/api-keys over real HTTP: shapes, secrets once, rotation, revocation, bad input. */
class TokensAndApiKeysAdminTest extends AdminApiTestBase {
  static final Instant START = AdminApiHarness.START;
  static final List<String> TOKEN_FIELDS = List.of("id", "client_id", "created_at", "expires_at", "revoked_at", "last_used_at");
  static final List<String> KEY_FIELDS = List.of("id", "client_id", "tools", "created_at", "expires_at", "revoked_at", "last_used_at");

  String client;

  @BeforeEach
  void start() {
    client = api.credentials.createClient("sendbird-prod", "sendbird").id();
  }

  JsonObject token(JsonObject body) {
    HttpResponse<String> r = api.call("POST", "/admin/static-tokens", body.encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return json(r);
  }

  JsonObject key(String... tools) {
    HttpResponse<String> r = api.call("POST", "/admin/api-keys",
        new JsonObject().put("client_id", client).put("tools", new JsonArray(List.of(tools))).encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return json(r);
  }

  static JsonObject withoutSecret(JsonObject issued) {
    JsonObject copy = issued.copy();
    copy.remove("secret");
    copy.remove("replaces");
    return copy;
  }

  // ---- static tokens ----

  @Test
  void aTokenIsShownOnceAndReadWithoutIt() {
    int refreshes = api.refreshes.get();
    HttpResponse<String> created = api.call("POST", "/admin/static-tokens",
        new JsonObject().put("client_id", client).put("expires_at", "2026-09-01T12:00:00+02:00").encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject token = json(created);
    assertThat(token.fieldNames()).containsExactlyInAnyOrderElementsOf(append(TOKEN_FIELDS, "secret"));
    String id = token.getString("id");
    assertThat(id).startsWith("tok_");
    assertThat(token.getString("client_id")).isEqualTo(client);
    assertThat(token.getString("created_at")).isEqualTo(START.toString());
    assertThat(token.getString("expires_at")).as("in UTC").isEqualTo("2026-09-01T10:00:00Z");
    assertThat(token.getString("secret")).matches("tgt_[A-Za-z0-9_-]{43}");
    assertThat(created.headers().firstValue("location")).hasValue("/admin/static-tokens/" + id);
    assertThat(api.refreshes.get()).isEqualTo(refreshes + 1);
    StaticToken stored = api.credentials.findStaticToken(id).orElseThrow();
    assertThat(stored.digest()).isEqualTo(SecretDigest.of(token.getString("secret")));

    HttpResponse<String> got = api.call("GET", "/admin/static-tokens/" + id, null);
    assertThat(ok(got)).isEqualTo(withoutSecret(token));
    assertThat(got.headers().firstValue("etag")).hasValue(AdminJson.etag(json(got)));
    HttpResponse<String> list = api.call("GET", "/admin/static-tokens", null);
    assertThat(ok(list).getJsonArray("static_tokens").getJsonObject(0)).isEqualTo(withoutSecret(token));
    assertThat(list.body() + got.body()).doesNotContain(token.getString("secret")).doesNotContain("tgt_").doesNotContain(stored.digest());

    // A replay under the same Idempotency-Key answers the same resource without the secret and creates nothing.
    String body = new JsonObject().put("client_id", client).encode();
    JsonObject first = json(api.call("POST", "/admin/static-tokens", body, api.adminToken, "Idempotency-Key", "t-1"));
    HttpResponse<String> replay = api.call("POST", "/admin/static-tokens", body, api.adminToken, "Idempotency-Key", "t-1");
    assertThat(replay.headers().firstValue("idempotent-replayed")).hasValue("true");
    assertThat(json(replay)).isEqualTo(withoutSecret(first));
    assertThat(api.credentials.listStaticTokens(null)).hasSize(2);
  }

  @Test
  void rotationOverlapsByADayByDefaultAndReportsTheOldToken() {
    JsonObject old = token(new JsonObject().put("client_id", client));
    api.clock.advance(Duration.ofMinutes(5));
    Instant rotatedAt = api.clock.instant();
    int refreshes = api.refreshes.get();

    HttpResponse<String> r = api.call("POST", "/admin/static-tokens/" + old.getString("id") + "/rotate", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonObject rotated = json(r);
    assertThat(rotated.fieldNames()).containsExactlyInAnyOrderElementsOf(append(append(TOKEN_FIELDS, "secret"), "replaces"));
    String newId = rotated.getString("id");
    assertThat(newId).isNotEqualTo(old.getString("id"));
    assertThat(rotated.getString("secret")).matches("tgt_[A-Za-z0-9_-]{43}").isNotEqualTo(old.getString("secret"));
    assertThat(rotated.getString("client_id")).isEqualTo(client);
    assertThat(rotated.getString("created_at")).isEqualTo(rotatedAt.toString());
    assertThat(rotated.getString("expires_at")).isNull();
    assertThat(r.headers().firstValue("location")).hasValue("/admin/static-tokens/" + newId);
    assertThat(api.refreshes.get()).isEqualTo(refreshes + 1);

    JsonObject replaces = rotated.getJsonObject("replaces");
    assertThat(replaces.fieldNames()).containsExactlyInAnyOrderElementsOf(TOKEN_FIELDS);
    assertThat(replaces.getString("id")).isEqualTo(old.getString("id"));
    assertThat(replaces.getString("expires_at")).isEqualTo(rotatedAt.plus(Duration.ofDays(1)).toString());
    assertThat(replaces.getString("revoked_at")).isNull();
    assertThat(ok(api.call("GET", "/admin/static-tokens/" + old.getString("id"), null))).isEqualTo(replaces);
    assertThat(ok(api.call("GET", "/admin/static-tokens/" + newId, null))).isEqualTo(withoutSecret(rotated));
  }

  @Test
  void rotationTakesAnOverlapAndANewExpiryAndNeverLengthensTheOldLife() {
    JsonObject old = token(new JsonObject().put("client_id", client).put("expires_at", "2026-03-01T10:00:00Z"));

    // Seven days asked, one hour left: the old token keeps its hour.
    JsonObject rotated = ok(api.call("POST", "/admin/static-tokens/" + old.getString("id") + "/rotate",
        "{\"overlap_seconds\":604800,\"expires_at\":\"2027-03-01T00:00:00Z\"}"));
    assertThat(rotated.getJsonObject("replaces").getString("expires_at")).isEqualTo("2026-03-01T10:00:00Z");
    assertThat(rotated.getString("expires_at")).isEqualTo("2027-03-01T00:00:00Z");

    // 600 seconds: the old token ends then.
    JsonObject next = ok(api.call("POST", "/admin/static-tokens/" + rotated.getString("id") + "/rotate", "{\"overlap_seconds\":600}"));
    assertThat(next.getJsonObject("replaces").getString("expires_at")).isEqualTo(START.plusSeconds(600).toString());

    // 0 ends it now: the cache the gateway reads treats it as expired at once.
    JsonObject last = ok(api.call("POST", "/admin/static-tokens/" + next.getString("id") + "/rotate", "{\"overlap_seconds\":0}"));
    assertThat(last.getJsonObject("replaces").getString("expires_at")).isEqualTo(START.toString());
    assertThat(api.credentials.findStaticToken(next.getString("id")).orElseThrow().expiredAt(START)).isTrue();
    // The largest overlap allowed is accepted.
    ok(api.call("POST", "/admin/static-tokens/" + last.getString("id") + "/rotate",
        "{\"overlap_seconds\":" + CredentialInput.MAX_OVERLAP.toSeconds() + "}"));
  }

  @Test
  void aRevokedTokenIsNotRotatedAndRevokingTwiceKeepsTheFirstTime() {
    JsonObject token = token(new JsonObject().put("client_id", client));
    String id = token.getString("id");
    api.clock.advance(Duration.ofMinutes(1));
    JsonObject revoked = ok(api.call("POST", "/admin/static-tokens/" + id + "/revoke", null));
    assertThat(revoked.fieldNames()).containsExactlyInAnyOrderElementsOf(TOKEN_FIELDS);
    assertThat(revoked.getString("revoked_at")).isEqualTo(START.plus(Duration.ofMinutes(1)).toString());
    api.clock.advance(Duration.ofMinutes(1));
    assertThat(ok(api.call("POST", "/admin/static-tokens/" + id + "/revoke", null))).isEqualTo(revoked);

    HttpResponse<String> rotate = api.call("POST", "/admin/static-tokens/" + id + "/rotate", "{}");
    assertProblem(rotate, 409, "conflict");
    assertThat(json(rotate).getString("detail")).contains("is revoked");
    assertThat(api.credentials.listStaticTokens(null)).hasSize(1);
  }

  @Test
  void tokenListsFilterByClient() {
    String other = api.credentials.createClient("other", "asapp").id();
    String mine = token(new JsonObject().put("client_id", client)).getString("id");
    String theirs = token(new JsonObject().put("client_id", other)).getString("id");
    assertThat(ids(ok(api.call("GET", "/admin/static-tokens", null)))).containsExactlyInAnyOrder(mine, theirs);
    assertThat(ids(ok(api.call("GET", "/admin/static-tokens?client_id=" + other, null)))).containsExactly(theirs);
    assertThat(ids(ok(api.call("GET", "/admin/static-tokens?client_id=" + client, null)))).containsExactly(mine);
  }

  // ---- API keys ----

  @Test
  void anApiKeyIsShownOnceWithItsToolsSorted() {
    HttpResponse<String> created = api.call("POST", "/admin/api-keys",
        "{\"client_id\":\"" + client + "\",\"tools\":[\"refund_order\",\"catalog_search\",\"refund_order\"]}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject key = json(created);
    assertThat(key.fieldNames()).containsExactlyInAnyOrderElementsOf(append(KEY_FIELDS, "secret"));
    assertThat(key.getString("id")).startsWith("key_");
    assertThat(key.getJsonArray("tools").getList()).containsExactly("catalog_search", "refund_order");
    assertThat(key.getString("secret")).matches("tgk_[A-Za-z0-9_-]{43}");
    assertThat(created.headers().firstValue("location")).hasValue("/admin/api-keys/" + key.getString("id"));
    ApiKey stored = api.credentials.findApiKey(key.getString("id")).orElseThrow();
    assertThat(stored.digest()).isEqualTo(SecretDigest.of(key.getString("secret")));
    assertThat(stored.tools()).isEqualTo(Set.of("catalog_search", "refund_order"));

    HttpResponse<String> got = api.call("GET", "/admin/api-keys/" + key.getString("id"), null);
    assertThat(ok(got)).isEqualTo(withoutSecret(key));
    HttpResponse<String> list = api.call("GET", "/admin/api-keys?client_id=" + client, null);
    assertThat(ok(list).getJsonArray("api_keys").getJsonObject(0)).isEqualTo(withoutSecret(key));
    assertThat(list.body() + got.body()).doesNotContain("tgk_");

    JsonObject all = key("*");
    assertThat(all.getJsonArray("tools").getList()).containsExactly("*");
    assertThat(ids(ok(api.call("GET", "/admin/api-keys", null)))).containsExactlyInAnyOrder(key.getString("id"), all.getString("id"));
  }

  @Test
  void anApiKeyRotatesWithItsToolsAndItsOverlap() {
    JsonObject old = key("catalog_search");
    api.clock.advance(Duration.ofHours(1));
    JsonObject rotated = ok(api.call("POST", "/admin/api-keys/" + old.getString("id") + "/rotate",
        "{\"overlap_seconds\":3600,\"expires_at\":\"2026-12-31T00:00:00Z\"}"));
    assertThat(rotated.fieldNames()).containsExactlyInAnyOrderElementsOf(append(append(KEY_FIELDS, "secret"), "replaces"));
    assertThat(rotated.getJsonArray("tools").getList()).containsExactly("catalog_search");
    assertThat(rotated.getString("expires_at")).isEqualTo("2026-12-31T00:00:00Z");
    assertThat(rotated.getString("secret")).matches("tgk_[A-Za-z0-9_-]{43}");
    assertThat(rotated.getJsonObject("replaces").getString("id")).isEqualTo(old.getString("id"));
    assertThat(rotated.getJsonObject("replaces").getString("expires_at")).isEqualTo(START.plus(Duration.ofHours(2)).toString());
    assertThat(rotated.getJsonObject("replaces").fieldNames()).containsExactlyInAnyOrderElementsOf(KEY_FIELDS);
    assertThat(api.credentials.findApiKey(rotated.getString("id")).orElseThrow().digest()).isEqualTo(SecretDigest.of(rotated.getString("secret")));

    // Replayed under its Idempotency-Key, a rotation does not rotate again.
    String id = rotated.getString("id");
    HttpResponse<String> first = api.call("POST", "/admin/api-keys/" + id + "/rotate", "{}", api.adminToken, "Idempotency-Key", "r-1");
    HttpResponse<String> replay = api.call("POST", "/admin/api-keys/" + id + "/rotate", "{}", api.adminToken, "Idempotency-Key", "r-1");
    assertThat(replay.statusCode()).isEqualTo(201);
    assertThat(replay.headers().firstValue("idempotent-replayed")).hasValue("true");
    JsonObject expected = json(first);
    expected.remove("secret");
    assertThat(json(replay)).isEqualTo(expected);
    assertThat(api.credentials.listApiKeys(client)).hasSize(3);

    // Revoked: 409; revoked twice: the same answer.
    JsonObject revoked = ok(api.call("POST", "/admin/api-keys/" + old.getString("id") + "/revoke", null));
    assertThat(revoked.getString("revoked_at")).isEqualTo(START.plus(Duration.ofHours(1)).toString());
    api.clock.advance(Duration.ofMinutes(1));
    assertThat(ok(api.call("POST", "/admin/api-keys/" + old.getString("id") + "/revoke", null))).isEqualTo(revoked);
    assertProblem(api.call("POST", "/admin/api-keys/" + old.getString("id") + "/rotate", null), 409, "conflict");
  }

  @Test
  void badToolListsAre400() {
    record Case(String tools, String detail) {}
    for (Case c : List.of(
        new Case(null, "tools is required"),
        new Case("\"catalog_search\"", "tools must be an array"),
        new Case("[]", "at least one tool"),
        new Case("[1]", "tools must be an array of tool names"),
        new Case("[null]", "tools must be an array of tool names"),
        new Case("[\"catalog_search\",[\"x\"]]", "tools must be an array of tool names"),
        new Case("[\"*\",\"catalog_search\"]", "either [\"*\"] (every tool) or tool names"),
        new Case("[\"catalog_serach\"]", "tools: 'catalog_serach' is not a tool of the configuration (known: catalog_search, get_profile, order_status, refund_order)"),
        new Case("[\"\"]", "tools: '' is not a tool"),
        new Case("[\"catalog_search,refund_order\"]", "is not a tool"),
        new Case("[\"" + "t".repeat(3000) + "\"]", "(a name of 3000 characters)"))) {
      String body = "{\"client_id\":\"" + client + "\"" + (c.tools() == null ? "" : ",\"tools\":" + c.tools()) + "}";
      HttpResponse<String> r = api.call("POST", "/admin/api-keys", body);
      assertProblem(r, 400, "invalid_request");
      assertThat(json(r).getString("detail")).as(body).contains(c.detail());
    }
    assertThat(api.credentials.listApiKeys(null)).isEmpty();
    assertThat(api.refreshes.get()).isZero();
  }

  @Test
  void badRotationsAndCreationsAre400NamingTheField() {
    String tokenId = token(new JsonObject().put("client_id", client)).getString("id");
    String keyId = key("*").getString("id");
    record Case(String body, String detail) {}
    List<Case> rotations = List.of(
        new Case("{\"overlap_seconds\":-1}", "overlap_seconds must be zero or positive"),
        new Case("{\"overlap_seconds\":" + (CredentialInput.MAX_OVERLAP.toSeconds() + 1) + "}", "at most 31536000"),
        new Case("{\"overlap_seconds\":9223372036854775807}", "at most 31536000"),
        new Case("{\"overlap_seconds\":99999999999999999999999999}", "at most 31536000"),
        new Case("{\"overlap_seconds\":1.5}", "whole number of seconds"),
        new Case("{\"overlap_seconds\":1e3}", "whole number of seconds"),
        new Case("{\"overlap_seconds\":\"24h\"}", "whole number of seconds"),
        new Case("{\"overlap_seconds\":true}", "whole number of seconds"),
        new Case("{\"overlap\":60}", "unknown field 'overlap' (this request takes overlap_seconds, expires_at)"),
        new Case("{\"expires_at\":\"2026-03-01\"}", "expires_at must be an RFC 3339 time"),
        new Case("{\"expires_at\":\"2020-01-01T00:00:00Z\"}", "expires_at must be in the future"),
        new Case("{\"client_id\":\"" + client + "\"}", "unknown field 'client_id'"),
        new Case("\"rotate\"", "must be a JSON object"));
    for (String base : List.of("/admin/static-tokens/" + tokenId, "/admin/api-keys/" + keyId)) {
      for (Case c : rotations) {
        HttpResponse<String> r = api.call("POST", base + "/rotate", c.body());
        assertProblem(r, 400, "invalid_request");
        assertThat(json(r).getString("detail")).as(base + " " + c.body()).contains(c.detail());
      }
    }
    for (String base : List.of("/admin/static-tokens", "/admin/api-keys")) {
      for (Case c : List.of(
          new Case("{\"tools\":[\"*\"]}", "client_id is required"),
          new Case("{\"client_id\":5,\"tools\":[\"*\"]}", "client_id must be a string"),
          new Case("{\"client_id\":\"" + client + "\",\"tools\":[\"*\"],\"expires_at\":\"soon\"}", "expires_at must be an RFC 3339 time"),
          new Case("{\"client_id\":\"" + client + "\",\"tools\":[\"*\"],\"expires\":\"2027-01-01T00:00:00Z\"}", "unknown field 'expires'"))) {
        String body = base.endsWith("tokens") ? c.body().replace(",\"tools\":[\"*\"]", "").replace("{\"tools\":[\"*\"]}", "{}") : c.body();
        HttpResponse<String> r = api.call("POST", base, body);
        assertProblem(r, 400, "invalid_request");
        assertThat(json(r).getString("detail")).as(base + " " + body).contains(c.detail());
      }
    }
    assertThat(api.credentials.listStaticTokens(null)).hasSize(1);
    assertThat(api.credentials.listApiKeys(null)).hasSize(1);
    assertThat(api.credentials.findStaticToken(tokenId).orElseThrow().expiresAt()).isNull();
  }

  @Test
  void unknownIdsAndClientsAre404() {
    for (String[] call : new String[][] {
        {"GET", "/admin/static-tokens/tok_nope", "no static token with id 'tok_nope'"},
        {"POST", "/admin/static-tokens/tok_nope/rotate", "no static token with id 'tok_nope'"},
        {"POST", "/admin/static-tokens/tok_nope/revoke", "no static token with id 'tok_nope'"},
        {"GET", "/admin/api-keys/key_nope", "no API key with id 'key_nope'"},
        {"POST", "/admin/api-keys/key_nope/rotate", "no API key with id 'key_nope'"},
        {"POST", "/admin/api-keys/key_nope/revoke", "no API key with id 'key_nope'"},
        {"GET", "/admin/static-tokens?client_id=cl_nope", "no client with id 'cl_nope'"},
        {"GET", "/admin/api-keys?client_id=cl_nope", "no client with id 'cl_nope'"}}) {
      HttpResponse<String> r = api.call(call[0], call[1], null);
      assertProblem(r, 404, "not_found");
      assertThat(json(r).getString("detail")).as(call[1]).isEqualTo(call[2]);
    }
    // An id of one kind is not found as another.
    String tokenId = token(new JsonObject().put("client_id", client)).getString("id");
    assertProblem(api.call("GET", "/admin/api-keys/" + tokenId, null), 404, "not_found");
    assertProblem(api.call("POST", "/admin/api-keys/" + tokenId + "/revoke", null), 404, "not_found");
    assertThat(api.credentials.findStaticToken(tokenId).orElseThrow().revokedAt()).isNull();

    for (String base : List.of("/admin/static-tokens", "/admin/api-keys")) {
      HttpResponse<String> r = api.call("POST", base, "{\"client_id\":\"cl_nobody\",\"tools\":[\"*\"]}".replace(base.endsWith("tokens") ? ",\"tools\":[\"*\"]" : "#", ""));
      assertProblem(r, 404, "not_found");
      assertThat(json(r).getString("detail")).isEqualTo("no client with id 'cl_nobody'");
    }
  }

  @Test
  void listFiltersAreStrict() {
    for (String base : List.of("/admin/signing-secrets", "/admin/static-tokens", "/admin/api-keys")) {
      for (String[] c : new String[][] {
          {"?client=" + client, "unknown query parameter 'client' (known: client_id)"},
          {"?client_id=" + client + "&client_id=" + client, "client_id is given more than once"},
          {"?client_id=", "client_id must not be empty"},
          {"?client_id", "client_id must not be empty"},
          {"?client_id=" + client + "&", "unknown query parameter ''"}}) {
        HttpResponse<String> r = api.call("GET", base + c[0], null);
        assertProblem(r, 400, "invalid_request");
        assertThat(json(r).getString("detail")).as(base + c[0]).contains(c[1]);
      }
      assertThat(api.call("GET", base + "?client_id=" + client, null).statusCode()).isEqualTo(200);
    }
  }
}
