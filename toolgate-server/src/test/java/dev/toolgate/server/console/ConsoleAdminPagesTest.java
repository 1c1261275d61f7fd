package dev.toolgate.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.toolgate.server.admin.AdminRole;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The console pages for what the CLI manages beyond credentials, in Chromium against a real
 * Toolgate: a client's OAuth settings (saved with If-Match; a concurrent change is a 412 the page
 * explains and reloads), its private_key_jwt keys, admin tokens, and a read_only session refused.
 * What the page did is checked on the admin API, not only on the page.
 */
class ConsoleAdminPagesTest extends BrowserTestBase {

  private HttpResponse<String> admin(String method, String path, String json) {
    return server.call(method, path, json, "authorization", "Bearer " + adminToken);
  }

  private String newClient(String name) {
    HttpResponse<String> created = admin("POST", "/admin/clients", new JsonObject().put("name", name).put("platform", "sendbird").encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return new JsonObject(created.body()).getString("id");
  }

  private JsonObject oauthSettings(String clientId) {
    HttpResponse<String> got = admin("GET", "/admin/clients/" + clientId + "/oauth", null);
    assertThat(got.statusCode()).as(got.body()).isEqualTo(200);
    return new JsonObject(got.body());
  }

  private void awaitText(String id, String text) {
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id(id), text));
  }

  @Test
  void reloadTheConfigurationFromTheToolsPageAndSeeARefusedFilesProblems() throws Exception {
    signIn(adminToken);
    open("#/tools");
    byId("reload-config").click();
    awaitText("page-tools", "Configuration unchanged: version " + server.toolgate.reloader().current().version());

    String original = java.nio.file.Files.readString(server.file);
    java.nio.file.Files.writeString(server.file, original.replace("path: /status,", "path: /health,"));
    byId("reload-config").click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("page-tools"), "Configuration reloaded"));
    awaitText("tool-list", "GET /health");
    assertThat(server.toolgate.reloader().current().version()).isEqualTo(dev.toolgate.server.ConfigFile.version(
        java.nio.file.Files.readAllBytes(server.file)));

    String served = server.toolgate.reloader().current().version();
    java.nio.file.Files.writeString(server.file, original.replace("policy: { anonymous: true } }", "policy: { anonymous: maybe } }"));
    byId("reload-config").click();
    awaitText("reload-problems", "anonymous");
    assertThat(byId("page-tools").getText()).contains("config_refused").contains("version " + served + " keeps serving");
    assertThat(server.toolgate.reloader().current().version()).as("the old configuration serves on").isEqualTo(served);
  }

  @Test
  void editOAuthSettingsSeeThemStoredAndAConcurrentChangeIsExplainedAndReloaded() {
    signIn(adminToken);
    String clientId = newClient("oauth-console");
    open("#/clients/" + clientId);
    type("oauth-scopes", "orders:read orders:write");
    type("oauth-ttl", "600");
    byId("oauth-method-client_secret_post").click();
    type("oauth-redirect-uris", "https://app.example.test/callback\nhttp://127.0.0.1:8765/cb");
    byId("save-oauth").click();
    awaitText("oauth-section", "Saved the OAuth settings.");

    JsonObject stored = oauthSettings(clientId);
    assertThat(stored.getJsonArray("scopes")).containsExactly("orders:read", "orders:write");
    assertThat(stored.getLong("token_ttl_seconds")).isEqualTo(600L);
    assertThat(stored.getJsonArray("auth_methods")).containsExactly("client_secret_basic");
    assertThat(stored.getJsonArray("redirect_uris")).containsExactly("https://app.example.test/callback", "http://127.0.0.1:8765/cb");
    open("#/clients/" + clientId);
    assertThat(byId("oauth-scopes").getDomProperty("value")).isEqualTo("orders:read orders:write");
    assertThat(byId("oauth-method-client_secret_post").isSelected()).isFalse();

    // Someone else saves while this page is open: this page's save is refused (412), said plainly, and the form reloads.
    JsonObject theirs = stored.copy().put("scopes", new JsonArray().add("theirs"));
    assertThat(admin("PUT", "/admin/clients/" + clientId + "/oauth", theirs.encode()).statusCode()).isEqualTo(200);
    type("oauth-ttl", "900");
    byId("save-oauth").click();
    awaitText("oauth-section", "Someone else changed this client's OAuth settings");
    assertThat(driver.findElement(By.cssSelector("#oauth-section .notice.error")).getText()).contains("412").contains("precondition_failed");
    wait.until(ExpectedConditions.attributeToBe(By.id("oauth-scopes"), "value", "theirs"));
    assertThat(oauthSettings(clientId).getLong("token_ttl_seconds")).as("nothing was overwritten").isEqualTo(600L);

    // Made again on what is stored now, it is saved.
    type("oauth-ttl", "900");
    byId("save-oauth").click();
    awaitText("oauth-section", "Saved the OAuth settings.");
    assertThat(oauthSettings(clientId).getLong("token_ttl_seconds")).isEqualTo(900L);
    assertThat(oauthSettings(clientId).getJsonArray("scopes")).containsExactly("theirs");
    assertNoConsoleProblemsExceptRefusals();
  }

  @Test
  void addKeysForPrivateKeyJwtUseThemAndRemoveOne() throws Exception {
    signIn(adminToken);
    String clientId = newClient("keys-console");
    ECKey one = new ECKeyGenerator(Curve.P_256).keyID("console-key-1").generate();
    ECKey two = new ECKeyGenerator(Curve.P_256).keyID("console-key-2").generate();
    open("#/clients/" + clientId);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("client-key-list"), "No keys"));

    // A private key is refused, without its private part shown back.
    type("client-key-jwk", one.toJSONString());
    byId("add-client-key").click();
    awaitText("client-keys-section", "400");
    assertThat(driver.findElement(By.id("client-keys-section")).getText()).doesNotContain(one.getD().toString());

    // A JWK set of two public keys: both added.
    type("client-key-jwk", "{\"keys\": [" + one.toPublicJWK().toJSONString() + ", " + two.toPublicJWK().toJSONString() + "]}");
    byId("add-client-key").click();
    awaitText("client-keys-section", "Added keys console-key-1, console-key-2.");
    assertThat(byId("client-key-list").getText()).contains("console-key-1").contains("console-key-2").contains("EC P-256");
    JsonArray keys = new JsonObject(admin("GET", "/admin/clients/" + clientId + "/keys", null).body()).getJsonArray("keys");
    assertThat(keys.stream().map(k -> ((JsonObject) k).getString("kid"))).containsExactly("console-key-1", "console-key-2");

    // The settings form followed the key change: allowing private_key_jwt now saves (with the keys, its If-Match current).
    byId("oauth-method-private_key_jwt").click();
    byId("save-oauth").click();
    awaitText("oauth-section", "Saved the OAuth settings.");
    assertThat(oauthSettings(clientId).getJsonArray("auth_methods")).contains("private_key_jwt");
    assertThat(oauthSettings(clientId).getJsonObject("jwks").getJsonArray("keys")).hasSize(2);

    // Remove one (asked first); the other stays.
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#client-key-list button[data-kid='console-key-1']"))).click();
    assertThat(byId("confirm-ok").getText()).isEqualTo("Remove");
    confirm();
    awaitText("client-keys-section", "Removed key console-key-1.");
    assertThat(byId("client-key-list").getText()).doesNotContain("console-key-1").contains("console-key-2");
    keys = new JsonObject(admin("GET", "/admin/clients/" + clientId + "/keys", null).body()).getJsonArray("keys");
    assertThat(keys.stream().map(k -> ((JsonObject) k).getString("kid"))).containsExactly("console-key-2");
    assertNoConsoleProblemsExceptRefusals();
  }

  @Test
  void createAnAdminTokenUseItAndRevokeIt() {
    signIn(adminToken);
    open("#/admin-tokens");
    type("admin-token-name", "console-made");
    choose("admin-token-role", "read_only");
    byId("create-admin-token").click();
    WebElement shown = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#admin-token-form .secret-value")));
    String secret = shown.getDomProperty("value");
    assertThat(secret).startsWith("tga_");
    assertThat(driver.findElement(By.cssSelector("#admin-token-form button.copy")).isDisplayed()).isTrue();
    assertThat(server.get("/admin/clients", "authorization", "Bearer " + secret).statusCode()).isEqualTo(200);
    driver.findElement(By.cssSelector("#admin-token-form button.stored")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#admin-token-form .secret")));
    assertThat(driver.getPageSource()).as("the secret is gone from the page").doesNotContain(secret);
    WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(By.xpath("//tr[td[text()='console-made']]")));
    assertThat(row.getText()).contains("read_only").contains("active");

    row.findElement(By.cssSelector("button[data-action='revoke']")).click();
    confirm();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.xpath("//tr[td[text()='console-made']]"), "revoked"));
    assertThat(byId("page-admin-tokens").getText()).contains("Revoked admin token console-made");
    assertThat(server.get("/admin/clients", "authorization", "Bearer " + secret).statusCode()).isEqualTo(401);
    assertNoConsoleProblems("#/admin-tokens");
  }

  @Test
  void aReadOnlySessionSeesRefusalsAndThePagesStillWork() {
    String clientId = newClient("read-only-view");
    signIn(server.adminToken(AdminRole.READ_ONLY).plaintext());
    open("#/admin-tokens");
    awaitText("admin-token-list", "admin_role_forbidden");
    assertThat(byId("admin-token-list").getText()).contains("403");
    assertThat(byId("admin-token-role-note").getText()).contains("read_only");
    type("admin-token-name", "not-allowed");
    byId("create-admin-token").click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#page-admin-tokens > .status"), "admin_role_forbidden"));
    assertThat(driver.findElements(By.cssSelector("#page-admin-tokens .secret-value"))).isEmpty();

    // Reading a client's settings works; saving them is refused where it was tried, and the session goes on.
    open("#/clients/" + clientId);
    type("oauth-scopes", "nope");
    byId("save-oauth").click();
    awaitText("oauth-section", "admin_role_forbidden");
    assertThat(byId("sign-out").isDisplayed()).isTrue();
    open("#/keys");
    assertThat(driver.findElements(By.cssSelector("#main .notice.error"))).isEmpty();
    assertThat(oauthSettings(clientId).getJsonArray("scopes")).isEmpty();
    assertNoConsoleProblemsExceptRefusals();
  }

  @Test
  void oneUsersPasswordOpaqueIdAndCustomerTokenTheOpaqueKeyASessionTokenAndAPrune() {
    signIn(adminToken);
    HttpResponse<String> created = admin("POST", "/admin/users", new JsonObject().put("username", "console-user").encode());
    String userId = new JsonObject(created.body()).getString("id");
    open("#/users");
    choose("one-user", userId);
    type("one-user-password", "correct horse battery");
    byId("set-password").click();
    awaitText("one-user-form", "Set the password of console-user.");
    assertThat(new JsonObject(admin("GET", "/admin/users/" + userId, null).body()).getBoolean("has_password")).isTrue();

    byId("get-opaque-id").click();
    String opaqueId = byId("opaque-id-value").getText();
    JsonObject resolved = new JsonObject(admin("GET", "/admin/opaque-ids/" + opaqueId, null).body());
    assertThat(resolved.getString("user_id")).isEqualTo(userId);
    assertThat(resolved.getString("platform")).isEqualTo("asapp");

    byId("mint-customer-token").click();
    String jwt = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#one-user-form .secret-value"))).getDomProperty("value");
    assertThat(jwt.split("\\.")).hasSize(3);

    int versions = new JsonObject(admin("GET", "/admin/opaque-id-keys", null).body()).getJsonArray("opaque_id_keys").size();
    byId("rotate-opaque-key").click();
    confirm();
    awaitText("opaque-keys-section", "is active.");
    assertThat(new JsonObject(admin("GET", "/admin/opaque-id-keys", null).body()).getJsonArray("opaque_id_keys")).hasSize(versions + 1);

    // A platform user's session token: issued (shown once), then every one revoked.
    type("platform-user-id", "sb-console");
    type("platform-username", "console-user");
    byId("map-platform-user").click();
    byId("issue-session-token").click();
    String token = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#session-tokens .secret-value"))).getDomProperty("value");
    assertThat(token).startsWith("tgu_");
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#session-token-list button[data-id]")));
    byId("revoke-session-tokens").click();
    confirm();
    awaitText("session-tokens", "Revoked 1 session token.");
    JsonArray tokens = new JsonObject(admin("GET", "/admin/platforms/sendbird/users/sb-console/token", null).body()).getJsonArray("tokens");
    assertThat(tokens).hasSize(1);
    assertThat(tokens.getJsonObject(0).getBoolean("active")).isFalse();

    // Prune (asked first): what it deleted is said.
    open("#/audit");
    driver.executeScript("arguments[0].value = '2001-01-01T00:00'", byId("audit-prune-before"));
    byId("audit-prune").click();
    confirm();
    awaitText("audit-prune-form", "Deleted 0 decisions recorded before ");
    assertNoConsoleProblems("#/users and #/audit");
  }

  /** A refused request (a 4xx on purpose) is logged by the browser as a failed resource: expected there, nothing else. */
  private void assertNoConsoleProblemsExceptRefusals() {
    assertThat(consoleProblems()).filteredOn(e -> !e.getMessage().matches("(?s).*/admin/.*status of 4\\d\\d.*")).isEmpty();
  }
}
