package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code --json} on the commands that issue a credential: one JSON object a script can read, the same credential. */
class CliJsonOutputTest extends CliTestSupport {
  @BeforeEach
  void client() {
    cmd("client", "create", "sendbird-prod", "--platform", "sendbird").ok();
  }

  private static JsonObject json(Run r) {
    r.ok();
    assertThat(r.out().lines()).hasSize(1);
    return new JsonObject(r.out());
  }

  @Test
  void tokenApiKeyAndAdminTokenPrintIdValueAndExpiry() {
    JsonObject token = json(cmd("token", "create", "--client", "sendbird-prod", "--json"));
    assertThat(token.fieldNames()).containsExactlyInAnyOrder("id", "value", "expires_at");
    assertThat(token.getString("id")).startsWith("tok_");
    assertThat(token.getString("value")).startsWith("tgt_");
    assertThat(token.getValue("expires_at")).isNull();
    assertThat(cmd("token", "list").ok().out()).contains(token.getString("id"));

    JsonObject key = json(cmd("apikey", "create", "--client", "sendbird-prod", "--tools", "catalog_search", "--expires", "90d", "--json"));
    assertThat(key.getString("value")).startsWith("tgk_");
    assertThat(key.getString("expires_at")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(cmd("apikey", "list").ok().out()).contains(key.getString("id"));

    JsonObject admin = json(cmd("admin-token", "create", "--name", "ops", "--json"));
    assertThat(admin.getString("value")).startsWith("tga_");
    assertThat(cmd("admin-token", "list").ok().out()).contains(admin.getString("id"));
  }

  @Test
  void clientSecretPrintsTheClientIdAndTheSecret() {
    JsonObject secret = json(cmd("client-secret", "create", "--client", "sendbird-prod", "--json"));
    assertThat(secret.fieldNames()).containsExactlyInAnyOrder("id", "client_id", "client_secret", "client_enabled", "expires_at");
    assertThat(secret.getString("client_secret")).startsWith("tgc_");
    assertThat(secret.getBoolean("client_enabled")).isTrue();
    assertThat(cmd("client", "list").ok().out()).contains(secret.getString("client_id"));
  }

  @Test
  void withoutTheFlagTheTextIsUnchanged() {
    assertThat(cmd("token", "create", "--client", "sendbird-prod").ok().out())
        .startsWith("Created static token tok_").contains("Value (shown once, store it now): tgt_");
  }
}
