package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.server.admin.AdminResources;
import dev.toolgate.server.admin.AdminTokenStore;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.server.users.OpaqueIds;
import dev.toolgate.server.users.UserStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code -o json}: one JSON document on stdout, exactly the admin API's shape of what the command
 * made, changed or listed ({@code AdminResources} applied to what the store holds afterwards), the
 * secret in {@code secret} on creations only; failures one JSON object on stderr.
 */
class CliJsonOutputTest extends CliTestSupport {
  private final InputStream originalIn = System.in;
  private String clientId;

  @BeforeEach
  void client() {
    clientId = json(cmd("client", "create", "sendbird-prod", "--platform", "sendbird", "-o", "json")).getString("id");
  }

  @AfterEach
  void restoreStdin() {
    System.setIn(originalIn);
  }

  /** Runs with {@code -o json} and returns the one JSON document it printed. */
  private JsonObject j(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-o", "json"));
    return json(cmd(all.toArray(String[]::new)));
  }

  static JsonObject json(Run r) {
    r.ok();
    assertThat(r.out().lines()).as("one line of JSON:%n%s", r.out()).hasSize(1);
    return new JsonObject(r.out());
  }

  /** {@code resource} without its {@code secret}, which must be there. */
  private static JsonObject withoutSecret(JsonObject resource) {
    assertThat(resource.getString("secret")).as("the secret of %s", resource).isNotBlank();
    JsonObject copy = resource.copy();
    copy.remove("secret");
    return copy;
  }

  private JsonObject storedClient(String id) {
    return inStore(s -> AdminResources.client(new OAuthClientStore(s.database).findClient(id).orElseThrow()));
  }

  @Test
  void clientsAreTheClientResource() {
    assertThat(j("client", "list")).isEqualTo(new JsonObject().put("clients", new JsonArray().add(storedClient(clientId))));
    assertThat(storedClient(clientId).fieldNames()).containsExactlyInAnyOrder("id", "name", "platform", "enabled", "created_at",
        "registration", "application_type", "redirect_uris", "auth_methods", "scopes");

    JsonObject disabled = j("client", "disable", "sendbird-prod");
    assertThat(disabled.getBoolean("enabled")).isFalse();
    assertThat(disabled).isEqualTo(storedClient(clientId));
    JsonObject enabled = j("client", "enable", clientId);
    assertThat(enabled).isEqualTo(storedClient(clientId));
    assertThat(enabled.getBoolean("enabled")).isTrue();
    assertThat(j("client", "list", "--registration", "dynamic")).isEqualTo(new JsonObject().put("clients", new JsonArray()));
  }

  @Test
  void signingSecretsShowTheValueOnlyWhenAdded() {
    JsonObject added = j("secret", "add", "--client", "sendbird-prod", "--generate", "--expires", "30d");
    assertThat(added.getString("secret")).startsWith("tgs_");
    JsonObject listed = j("secret", "list", "--client", clientId);
    JsonObject stored = inStore(s -> AdminResources.list("signing_secrets", s.credentials.listSigningSecrets(clientId), AdminResources::signingSecret));
    assertThat(listed).isEqualTo(stored);
    assertThat(listed.getJsonArray("signing_secrets")).containsExactly(withoutSecret(added));
    assertThat(listed.encode()).doesNotContain(added.getString("secret"));

    JsonObject revoked = j("secret", "revoke", added.getString("id"));
    assertThat(revoked.getString("revoked_at")).isNotNull();
    assertThat(revoked.fieldNames()).isEqualTo(withoutSecret(added).fieldNames());
    assertThat(j("secret", "revoke", added.getString("id"))).as("revoking again keeps the first time").isEqualTo(revoked);
  }

  @Test
  void staticTokensCreateListRotateRevoke() {
    JsonObject created = j("token", "create", "--client", "sendbird-prod");
    assertThat(created.getString("secret")).startsWith("tgt_");
    JsonObject stored = inStore(s -> AdminResources.list("static_tokens", s.credentials.listStaticTokens(null), AdminResources::staticToken));
    assertThat(j("token", "list")).isEqualTo(stored);
    assertThat(stored.getJsonArray("static_tokens")).containsExactly(withoutSecret(created));

    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    JsonObject rotated = j("token", "rotate", created.getString("id"), "--overlap", "1h");
    Instant after = Instant.now();
    assertThat(rotated.getString("secret")).startsWith("tgt_").isNotEqualTo(created.getString("secret"));
    JsonObject replaced = rotated.getJsonObject("replaces");
    assertThat(replaced.getString("id")).isEqualTo(created.getString("id"));
    assertThat(Instant.parse(replaced.getString("expires_at"))).as("an hour after the rotation").isBetween(before.plus(Duration.ofHours(1)), after.plus(Duration.ofHours(1)));
    rotated.remove("replaces");
    assertThat(j("token", "list", "--client", clientId).getJsonArray("static_tokens")).containsExactlyInAnyOrder(replaced, withoutSecret(rotated));

    JsonObject revoked = j("token", "revoke", created.getString("id"));
    assertThat(revoked.getString("revoked_at")).isNotNull();
    assertThat(revoked.copy().put("revoked_at", null)).isEqualTo(replaced);
  }

  @Test
  void apiKeysAndClientSecrets() {
    JsonObject key = j("apikey", "create", "--client", "sendbird-prod", "--tools", "refund_order,catalog_search", "--expires", "90d");
    assertThat(key.getString("secret")).startsWith("tgk_");
    assertThat(key.getJsonArray("tools")).containsExactly("catalog_search", "refund_order");
    assertThat(j("apikey", "list")).isEqualTo(inStore(s -> AdminResources.list("api_keys", s.credentials.listApiKeys(null), AdminResources::apiKey)));
    assertThat(j("apikey", "list", "--client", "sendbird-prod").getJsonArray("api_keys")).containsExactly(withoutSecret(key));
    assertThat(j("apikey", "revoke", key.getString("id")).getString("revoked_at")).isNotNull();

    JsonObject secret = j("client-secret", "create", "--client", "sendbird-prod");
    assertThat(secret.getString("secret")).startsWith("tgc_");
    assertThat(secret.getString("client_id")).isEqualTo(clientId);
    JsonObject stored = inStore(s -> AdminResources.list("client_secrets", new OAuthClientStore(s.database).listClientSecrets(clientId),
        AdminResources::clientSecret));
    assertThat(j("client-secret", "list", "--client", clientId)).isEqualTo(stored);
    assertThat(stored.getJsonArray("client_secrets")).containsExactly(withoutSecret(secret));
    JsonObject revoked = j("client-secret", "revoke", secret.getString("id"));
    assertThat(revoked.getString("revoked_at")).isNotNull();
    assertThat(revoked.fieldNames()).isEqualTo(withoutSecret(secret).fieldNames());
  }

  @Test
  void oauthSettingsAndSigningKeys() throws Exception {
    JsonObject shown = j("client-oauth", "sendbird-prod");
    assertThat(shown).isEqualTo(inStore(s -> AdminResources.oauthSettings(clientId, new OAuthClientStore(s.database).oauthSettings(clientId))));
    JsonObject changed = j("client-oauth", "sendbird-prod", "--scopes", "orders:read profile", "--ttl", "15m",
        "--redirect-uris", "https://app.example.com/cb");
    assertThat(changed).isEqualTo(inStore(s -> AdminResources.oauthSettings(clientId, new OAuthClientStore(s.database).oauthSettings(clientId))));
    assertThat(changed.getJsonArray("scopes")).containsExactlyInAnyOrder("orders:read", "profile");
    assertThat(changed.getLong("token_ttl_seconds")).isEqualTo(900);
    assertThat(changed.getValue("jwks")).isNull();

    JsonObject rotated = j("keys", "rotate", "--algorithm", "ES256");
    assertThat(rotated.fieldNames()).containsExactlyInAnyOrder("kid", "algorithm", "state", "master_key_id", "created_at", "activated_at", "retired_at");
    assertThat(rotated.getString("state")).isEqualTo("active");
    assertThat(rotated.getString("algorithm")).isEqualTo("ES256");
    JsonObject listed = j("keys", "list");
    assertThat(listed.getJsonArray("signing_keys")).contains(rotated);
    JsonObject next = j("keys", "rotate", "--algorithm", "EdDSA");
    assertThat(next.getString("algorithm")).isEqualTo("EdDSA");
    JsonObject revoked = j("keys", "revoke", next.getString("kid"), "--algorithm", "RS256");
    assertThat(revoked.getString("kid")).isEqualTo(next.getString("kid"));
    assertThat(revoked.getString("state")).isEqualTo("revoked");
    assertThat(revoked.getJsonObject("replacement").getString("algorithm")).isEqualTo("RS256");
    assertThat(revoked.getJsonObject("replacement").getString("state")).isEqualTo("active");
    JsonObject retiredRevoked = j("keys", "revoke", rotated.getString("kid"));
    assertThat(retiredRevoked.getValue("replacement")).as("it was not the active key").isNull();
    cmd("keys", "revoke", "kid_nope", "-o", "json").jsonError(3, "not_found");
  }

  @Test
  void usersPlatformUsersAndSessions() {
    JsonObject ada = j("user", "create", "Ada", "--no-password");
    assertThat(ada).isEqualTo(inStore(s -> AdminResources.user(new UserStore(s.database).findUser(ada.getString("id")).orElseThrow())));
    assertThat(ada.getBoolean("has_password")).isFalse();
    System.setIn(new ByteArrayInputStream("a long password\n".getBytes(StandardCharsets.UTF_8)));
    JsonObject withPassword = j("user", "reset-password", "ada");
    assertThat(withPassword.getBoolean("has_password")).isTrue();
    assertThat(withPassword.getString("password_changed_at")).isNotNull();
    assertThat(j("user", "disable", "ada").getBoolean("disabled")).isTrue();
    JsonObject enabled = j("user", "enable", ada.getString("id"));
    assertThat(j("user", "list")).isEqualTo(new JsonObject().put("users", new JsonArray().add(enabled)));

    JsonObject mapped = j("user", "map", "ada", "--platform", "sendbird", "--platform-user-id", "sb-ada");
    assertThat(mapped).isEqualTo(inStore(s -> {
      UserStore users = new UserStore(s.database);
      return AdminResources.platformUser(users.findPlatformUser("sendbird", "sb-ada").orElseThrow(), users.findUser(ada.getString("id")).orElseThrow());
    }));
    assertThat(mapped.getLong("created_at")).as("epoch milliseconds, as the platform API").isPositive();

    JsonObject opaque = j("user", "opaque-id", "ada");
    assertThat(opaque.fieldNames()).containsExactlyInAnyOrder("opaque_id", "platform", "user_id", "key_version", "user");
    assertThat(opaque.getString("platform")).isEqualTo("asapp");
    assertThat(opaque.getJsonObject("user")).isEqualTo(enabled);
    assertThat(j("user", "resolve", opaque.getString("opaque_id"))).isEqualTo(opaque);
    assertThat(j("user", "opaque-id", ada.getString("id"))).as("the same one ever after").isEqualTo(opaque);
    JsonObject key = j("user", "rotate-opaque-key");
    assertThat(key).isEqualTo(inStore(s -> AdminResources.opaqueIdKey(new OpaqueIds(s.database, s.box).keys().stream()
        .filter(OpaqueIds.KeyInfo::active).findFirst().orElseThrow())));
    assertThat(key.getInteger("version")).isEqualTo(opaque.getInteger("key_version") + 1);
    cmd("user", "resolve", "oc1_nope", "-o", "json").jsonError(3, "not_found");

    JsonObject session = j("session", "create", "--platform", "sendbird", "--user", "sb-ada", "--expires", "2d");
    assertThat(session.fieldNames()).containsExactlyInAnyOrder("token", "token_id", "expires_at");
    assertThat(session.getString("token")).startsWith("tgu_");
    JsonObject tokens = j("session", "list", "--platform", "sendbird", "--user", "sb-ada");
    assertThat(tokens.getJsonArray("tokens")).singleElement().satisfies(t -> {
      JsonObject token = (JsonObject) t;
      assertThat(token.getString("token_id")).isEqualTo(session.getString("token_id"));
      assertThat(token.getLong("expires_at")).isEqualTo(session.getLong("expires_at"));
      assertThat(token.getBoolean("active")).isTrue();
    });
    assertThat(j("session", "revoke", session.getString("token_id"))).isEqualTo(new JsonObject().put("token_id", session.getString("token_id")).put("revoked", true));
    assertThat(j("session", "revoke", session.getString("token_id"), "--platform", "sendbird", "--user", "sb-ada").getBoolean("revoked")).isFalse();
    j("session", "create", "--platform", "sendbird", "--user", "sb-ada");
    assertThat(j("session", "revoke-all", "--platform", "sendbird", "--user", "sb-ada")).isEqualTo(new JsonObject().put("revoked", 1));
  }

  @Test
  void adminTokens() {
    JsonObject created = j("admin-token", "create", "--name", "ci", "--role", "read_only");
    assertThat(created.getString("secret")).startsWith("tga_");
    assertThat(created.getString("role")).isEqualTo("read_only");
    JsonObject stored = inStore(s -> AdminResources.list("admin_tokens", new AdminTokenStore(s.database).list(), AdminResources::adminToken));
    assertThat(j("admin-token", "list")).isEqualTo(stored);
    assertThat(stored.getJsonArray("admin_tokens")).containsExactly(withoutSecret(created));
    JsonObject revoked = j("admin-token", "revoke", created.getString("id"));
    assertThat(revoked.getString("revoked_at")).isNotNull();
    assertThat(revoked.fieldNames()).isEqualTo(withoutSecret(created).fieldNames());
  }

  @Test
  void auditAndExplainAreTheDecisionResource() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    AuditEvent denied = new AuditEvent(now.minusSeconds(60), "req_deny1", "POST", "/orders/status", "10.0.0.7", "order_status", null, List.of(),
        "deny", "signature_invalid", 401, 87, "signature matches none of the 1 active signing secret(s)");
    AuditEvent allowed = new AuditEvent(now.minusSeconds(30), "req_allow1", "GET", "/catalog/search", "127.0.0.1", "catalog_search", clientId,
        List.of("key_1"), "allow", "ok", 200, 1_234, null);
    withAudit(log -> {
      log.appendBatch(List.of(denied, allowed));
      return null;
    });
    JsonObject explained = j("explain", "req_deny1");
    assertThat(explained).isEqualTo(AdminResources.decision(denied));
    JsonObject all = j("audit");
    assertThat(all.fieldNames()).contains("decisions");
    assertThat(all.getJsonArray("decisions").stream().map(d -> ((JsonObject) d).getString("request_id"))).containsExactly("req_allow1", "req_deny1");
    assertThat(j("audit", "--decision", "deny").getJsonArray("decisions")).singleElement()
        .satisfies(d -> assertThat(((JsonObject) d).getString("request_id")).isEqualTo("req_deny1"));
    cmd("explain", "req_nope", "-o", "json").jsonError(3, "not_found");
    assertThat(all.getValue("next_cursor")).isNull();

    // a page, and where the next one starts
    JsonObject first = j("audit", "--limit", "1");
    assertThat(first.getJsonArray("decisions")).containsExactly(AdminResources.decision(allowed));
    JsonObject second = j("audit", "--limit", "1", "--cursor", first.getString("next_cursor"));
    assertThat(second).isEqualTo(new JsonObject().put("decisions", new JsonArray().add(explained)).put("next_cursor", null));
    cmd("audit", "--cursor", "not-a-cursor", "-o", "json").jsonError(2, "usage");

    JsonObject pruned = j("audit", "prune", "--before", "30d");
    assertThat(pruned.fieldNames()).containsExactlyInAnyOrder("deleted", "before");
    assertThat(pruned.getLong("deleted")).isZero();
    Run export = cmd("audit", "export", "-o", "json").ok();
    assertThat(export.out().lines().map(JsonObject::new)).containsExactly(AdminResources.decision(allowed), explained);
  }

  @Test
  void localReportsOfCommandsWithoutAnApi() throws Exception {
    JsonObject valid = j("validate");
    assertThat(valid.fieldNames()).containsExactlyInAnyOrder("file", "valid", "tools", "platforms", "environment_checked", "problems");
    assertThat(valid.getBoolean("valid")).isTrue();
    assertThat(valid.getInteger("tools")).isEqualTo(5);
    assertThat(valid.getJsonArray("problems")).isEmpty();

    JsonObject sign = json(run("sign", "--secret", "s3cret", "--body", "{}", "-o", "json"));
    assertThat(sign.fieldNames()).containsExactly("signature");
    assertThat(sign.getString("signature")).isEqualTo(run("sign", "--secret", "s3cret", "--body", "{}").ok().out().strip());

    JsonObject check = j("master-key", "check");
    assertThat(check.fieldNames()).containsExactlyInAnyOrder("store", "store_master_key_id", "master_key_id", "source",
        "previous_master_key_id", "previous_source", "rotation_in_progress");
    assertThat(check.getString("master_key_id")).isEqualTo(check.getString("store_master_key_id"));
    assertThat(check.getBoolean("rotation_in_progress")).isFalse();

    JsonObject generated = json(run("master-key", "generate", dir.resolve("new.key").toString(), "-o", "json"));
    assertThat(generated.fieldNames()).containsExactlyInAnyOrder("master_key_id", "file");
    assertThat(generated.encode()).doesNotContain(Files.readString(dir.resolve("new.key")).strip());

    JsonObject init = json(run("init", "-c", dir.resolve("other/toolgate.yaml").toString(), "-o", "json"));
    assertThat(init).isEqualTo(new JsonObject().put("config", dir.resolve("other/toolgate.yaml").toString())
        .put("schema", dir.resolve("other/toolgate.schema.json").toString()));

    Run down = cmd("healthcheck", "--url", NOWHERE + "/readyz", "--timeout", "1", "-o", "json");
    assertThat(down.exit()).isEqualTo(1);
    assertThat(down.err()).isEmpty();
    JsonObject report = new JsonObject(down.out());
    assertThat(report.getBoolean("ready")).isFalse();
    assertThat(report.getValue("status")).isNull();
    assertThat(report.getString("error")).isNotBlank();
  }

  @Test
  void anInvalidConfigurationIsAReportOnStdoutAndExit1() throws Exception {
    Files.writeString(config, CONFIG.replace("require: [api_key]", "require: [apikey]"), StandardCharsets.UTF_8);
    Run r = cmd("validate", "-o", "json");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEmpty();
    JsonObject report = new JsonObject(r.out());
    assertThat(report.getBoolean("valid")).isFalse();
    assertThat(report.getJsonArray("problems")).singleElement().asString().contains("unknown credential kind 'apikey'");
  }

  @Test
  void failuresAreOneJsonObjectOnStderr() {
    assertThat(cmd("token", "revoke", "tok_nope", "-o", "json").jsonError(3, "not_found").getString("message"))
        .isEqualTo("no static token with id 'tok_nope'");
    cmd("client", "create", "sendbird-prod", "--platform", "sendbird", "-o", "json").jsonError(4, "conflict");
    cmd("token", "create", "--client", "sendbird-prod", "--expires", "soon", "-o", "json").jsonError(2, "usage");
    // picocli's own usage errors too, in every spelling of the option, instead of the usage text
    for (List<String> spelling : List.of(List.of("-o", "json"), List.of("-ojson"), List.of("--output=json"), List.of("--output", "JSON"), List.of("--json"))) {
      List<String> args = new ArrayList<>(List.of("token", "list", "--bogus"));
      args.addAll(spelling);
      assertThat(cmd(args.toArray(String[]::new)).jsonError(2, "usage").getString("message")).contains("--bogus");
    }
    cmd("token", "create", "-o", "yaml").usageError("--output", "yaml");
    // a secret typed where an argument belongs is masked in JSON too
    String typed = "tgt_" + "A".repeat(43);
    assertThat(cmd("token", "revoke", "--frobnicate", typed, "-o", "json").jsonError(2, "usage").getString("message")).doesNotContain(typed);
  }

  @Test
  void theOldJsonFlagIsAnAliasOfOutputJson() {
    JsonObject viaFlag = json(cmd("token", "create", "--client", "sendbird-prod", "--json"));
    assertThat(viaFlag.fieldNames()).isEqualTo(j("token", "create", "--client", "sendbird-prod").fieldNames());
    assertThat(viaFlag.fieldNames()).contains("id", "secret", "expires_at").doesNotContain("value");
    assertThat(cmd("token", "create", "--help").ok().out()).contains("-o, --output=FORMAT").doesNotContain("--json");
  }

  @Test
  void withoutTheOptionTheTextIsUnchanged() {
    assertThat(cmd("token", "create", "--client", "sendbird-prod").ok().out())
        .startsWith("Created static token tok_").contains("Value (shown once, store it now): tgt_");
    assertThat(cmd("token", "create", "--client", "sendbird-prod", "-o", "text").ok().out()).startsWith("Created static token tok_");
    assertThat(Set.of(cmd("client", "list").ok().out().lines().findFirst().orElseThrow().split("\\s+")))
        .contains("ID", "NAME", "PLATFORM", "ENABLED");
  }
}
