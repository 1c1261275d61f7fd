package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.StarterConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Mistakes on the command line. Malformed invocations are usage errors (exit 2, the message and
 * the command's usage on stderr); bad values the command finds itself are exit 2 too, as one line
 * {@code error: ...}; something named that does not exist is exit 3, a clash with what is stored
 * exit 4; a broken configuration or store exit 1. Never a stack trace.
 */
class CliErrorsTest extends CliTestSupport {

  @Nested
  class UsageErrors {
    @Test
    void unknownOption() {
      Run r = cmd("client", "list", "--bogus").usageError("Unknown option: '--bogus'", "Usage: toolgate client list");
      assertThat(r.out()).isEmpty();
      run("--bogus").usageError("Unknown option: '--bogus'", "Usage: toolgate ");
      // A near miss gets a suggestion instead of the usage.
      cmd("token", "create", "--client", "x", "--expire", "1d").rejected("'--expire'", "--expires");
    }

    @Test
    void missingRequiredOption() {
      cmd("client", "create", "acme").usageError("Missing required option: '--platform=PLATFORM'", "Usage: toolgate client create");
      cmd("token", "create").usageError("Missing required option: '--client=CLIENT'", "Usage: toolgate token create");
      cmd("apikey", "create", "--client", "acme").usageError("'--tools=TOOL'", "Usage: toolgate apikey create");
      cmd("secret", "list").usageError("'--client=CLIENT'", "Usage: toolgate secret list");
    }

    @Test
    void missingRequiredChoiceOrParameter() {
      cmd("secret", "add", "--client", "acme").usageError("--from-stdin", "--from-env", "--generate", "Usage: toolgate secret add");
      cmd("token", "revoke").usageError("TOKEN_ID", "Usage: toolgate token revoke");
      cmd("client", "disable").usageError("CLIENT", "Usage: toolgate client disable");
      run("sign", "--secret", "s").usageError("--body", "Usage: toolgate sign");
      run("sign", "--body", "{}").usageError("--secret", "Usage: toolgate sign");
    }

    @Test
    void mutuallyExclusiveOptions() {
      run("sign", "--secret", "s", "--secret-env", "S", "--body", "{}").usageError("mutually exclusive", "Usage: toolgate sign");
      cmd("secret", "add", "--client", "acme", "--generate", "--from-env", "X").usageError("mutually exclusive");
    }

    @Test
    void unknownSubcommand() {
      run("frobnicate").rejected("Unmatched argument at index 0: 'frobnicate'");
      cmd("client", "frobnicate").rejected("'frobnicate'");
      cmd("token", "delete", "tok_x").rejected("'delete'");
      cmd("apikey", "remove", "key_x").rejected("'remove'");
    }

    @Test
    void groupCommandWithoutSubcommand() {
      Run r = run("token");
      assertThat(r.exit()).isEqualTo(2);
      assertThat(r.err()).contains("Usage: toolgate token").contains("create").doesNotContain("\tat ");
    }

    @Test
    void badOptionValue() {
      cmd("audit", "--limit", "many").usageError("--limit", "'many'");
      run("demo", "--port", "http").usageError("--port");
    }
  }

  @Nested
  class UserErrors {
    @Test
    void unknownClient() {
      cmd("token", "create", "--client", "nobody").notFound("no client with id or name 'nobody'", "toolgate client list");
      cmd("client", "disable", "nobody").notFound("no client with id or name 'nobody'");
      cmd("client", "enable", "cl_nobody").notFound("no client with id or name 'cl_nobody'");
      cmd("secret", "add", "--client", "nobody", "--generate").notFound("no client with id or name 'nobody'");
      cmd("secret", "list", "--client", "nobody").notFound("no client with id or name 'nobody'");
      cmd("apikey", "create", "--client", "nobody", "--tools", "catalog_search").notFound("no client with id or name 'nobody'");
      cmd("token", "list", "--client", "nobody").notFound("no client with id or name 'nobody'");
      cmd("apikey", "list", "--client", "nobody").notFound("no client with id or name 'nobody'");
      // Nothing was half-created on the way.
      assertThat(clients()).isEmpty();
    }

    @Test
    void unknownCredentialId() {
      cmd("token", "revoke", "tok_nope").notFound("no static token with id 'tok_nope'");
      cmd("token", "rotate", "tok_nope").notFound("no static token with id 'tok_nope'");
      cmd("apikey", "revoke", "key_nope").notFound("no API key with id 'key_nope'");
      cmd("secret", "revoke", "sec_nope").notFound("no signing secret with id 'sec_nope'");
    }

    @Test
    void missingConfigFile() {
      Path missing = dir.resolve("elsewhere/missing.yaml");
      run("client", "list", "-c", missing.toString()).invalid(missing.toString(), "does not exist", "toolgate init");
      run("audit", "--config", missing.toString()).invalid("does not exist");
      assertThat(missing.getParent()).doesNotExist();
    }

    @Test
    void invalidExpires() {
      createClient("acme");
      cmd("token", "create", "--client", "acme", "--expires", "90x").invalid("--expires must be a lifetime like 90d", "'90x'");
      cmd("token", "create", "--client", "acme", "--expires", "0d").invalid("--expires");
      cmd("token", "create", "--client", "acme", "--expires", "2020-01-01T00:00:00Z").invalid("--expires 2020-01-01T00:00:00Z is in the past");
      cmd("apikey", "create", "--client", "acme", "--tools", "*", "--expires", "soon").invalid("--expires");
      cmd("secret", "add", "--client", "acme", "--generate", "--expires", "-1d").invalid("--expires");
      withStore(s -> {
        assertThat(s.listStaticTokens(null)).isEmpty();
        assertThat(s.listApiKeys(null)).isEmpty();
        assertThat(s.listSigningSecrets(s.findClient("acme").orElseThrow().id())).isEmpty();
        return null;
      });
    }

    @Test
    void apiKeyForAnUndeclaredTool() {
      createClient("acme");
      cmd("apikey", "create", "--client", "acme", "--tools", "catalog_search,catalog_serach")
          .invalid("tool 'catalog_serach' is not declared in " + config, "known: order_status, get_profile, catalog_search, refund_order, service_status");
      assertThat(apiKeys()).isEmpty();
    }

    @Test
    void clientOfAPlatformNotInTheConfig() {
      cmd("client", "create", "acme", "--platform", "asapp").invalid("platform 'asapp' is not used in " + config, "known: oauth, sendbird");
      assertThat(clients()).isEmpty();
    }

    @Test
    void clientNameWithIllegalCharacters() {
      for (String name : new String[] {"acme prod", "acme/prod", "ünïcode", "x".repeat(65), "a;b"}) {
        cmd("client", "create", name, "--platform", "sendbird").invalid("client name must be 1-64 characters");
      }
      assertThat(clients()).isEmpty();
      createClient("x".repeat(64));
      createClient("Acme_prod-2.eu");
    }

    @Test
    void duplicateClientName() {
      String id = createClient("acme");
      cmd("client", "create", "acme", "--platform", "sendbird").conflict("a client named 'acme' already exists");
      assertThat(clients()).singleElement().satisfies(c -> assertThat(c.id()).isEqualTo(id));
    }

    @Test
    void initOverAnExistingFile() throws IOException {
      String before = Files.readString(config);
      run("init", "-c", config.toString()).conflict(config + " already exists; pass --force to overwrite it");
      assertThat(Files.readString(config)).isEqualTo(before);
      run("init", "-c", config.toString(), "--force").ok();
      assertThat(Files.readString(config)).isEqualTo(StarterConfig.text());
    }

    @Test
    void rotatingARevokedTokenIsRefused() {
      createClient("acme");
      String id = cmd("token", "create", "--client", "acme").ok().find("Created static token (tok_\\w+)");
      cmd("token", "revoke", id).ok();
      cmd("token", "rotate", id).conflict("static token " + id + " is revoked");
      assertThat(tokens()).hasSize(1);
    }

    @Test
    void auditArgumentsOutOfRange() {
      cmd("audit", "--decision", "maybe").invalid("--decision must be allow or deny");
      cmd("audit", "--limit", "0").invalid("--limit must be between 1 and 100000");
      cmd("audit", "--since", "yesterday").invalid("--since must be an instant");
    }

    @Test
    void secretFromAnUnsetEnvironmentVariable() {
      createClient("acme");
      String unset = unsetVariable();
      cmd("secret", "add", "--client", "acme", "--from-env", unset).invalid("the environment variable named by --from-env is not set or empty");
    }

    @Test
    void aSecretTypedWhereAVariableNameBelongsIsNeverEchoed() {
      createClient("acme");
      Run secret = cmd("secret", "add", "--client", "acme", "--from-env", "hunter2").invalid("--from-env takes the NAME of a variable");
      Run password = cmd("user", "create", "ada", "--password-env", "hunter2").invalid("--password-env takes the NAME of a variable");
      Run sign = run("sign", "--secret-env", "hunter2", "--body", "{}").invalid("--secret-env takes the NAME of a variable");
      for (Run r : java.util.List.of(secret, password, sign)) {
        assertThat(r.err()).doesNotContain("hunter2");
      }
    }
  }

  @Nested
  class ConfigErrors {
    @Test
    void unknownKeyNamesFileLineAndField() throws IOException {
      Files.writeString(config, """
          platforms:
            sendbird: {}
          tools:
            - name: service_status
              method: GET
              path: /status
              upstream: "http://127.0.0.1:9"
              policy: { anonymous: true }
              descripton: the service status
          """, StandardCharsets.UTF_8);
      Run r = cmd("client", "list");
      r.userError(config + ":9: tools[0].descripton: unknown key 'descripton'");
      assertThat(r.err()).startsWith("error: " + config + ":9: tools[0].descripton: unknown key 'descripton'");
      assertThat(r.out()).isEmpty();
    }

    @Test
    void unknownCredentialKindNamesLineAndField() throws IOException {
      Files.writeString(config, CONFIG.replace("require: [api_key]", "require: [apikey]"), StandardCharsets.UTF_8);
      Run r = cmd("token", "list").userError();
      assertThat(r.err()).startsWith("error: " + config + ":12: tools[2].policy.require[0]: unknown credential kind 'apikey'");
    }

    @Test
    void everyErrorOfTheFileIsListedOnePerLine() throws IOException {
      Files.writeString(config, """
          servr:
            port: 8080
          tools:
            - name: service_status
              method: GET
              path: /status
              upstream: "http://127.0.0.1:9"
              polcy: { anonymous: true }
          """, StandardCharsets.UTF_8);
      Run r = cmd("client", "list");
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err().lines().toList()).hasSize(3).first().asString().startsWith("error: " + config + ":1: servr: unknown key 'servr'");
      assertThat(r.err()).contains(config + ":8: tools[0].polcy: unknown key 'polcy'").doesNotContain("\tat ");
    }

    @Test
    void aPasswordWhereTheVariableNameBelongsIsNamedByLineAndNeverEchoed() throws IOException {
      Files.writeString(config, CONFIG + """
          store:
            kind: postgresql
            url: jdbc:postgresql://127.0.0.1:5432/toolgate
            password_env: hunter2
          """, StandardCharsets.UTF_8);
      int line = (int) CONFIG.lines().count() + 4;
      for (String[] command : java.util.List.of(new String[] {"client", "list"}, new String[] {"serve"})) {
        Run r = cmd(command).userError(config + ":" + line + ": store.password_env: the environment variable it names is not set",
            "must be the NAME of an environment variable that holds the database password");
        assertThat(r.err()).doesNotContain("hunter2").doesNotContain("passwordEnv");
      }
    }

    @Test
    void aMasterKeyWhereTheKeyFileBelongsIsRefusedAndNoFileIsNamedAfterIt() throws IOException {
      String key = dev.toolgate.server.store.MasterKey.generate().toBase64();
      Files.writeString(config, CONFIG + "store:\n  master_key_file: \"" + key + "\"\n", StandardCharsets.UTF_8);
      int line = (int) CONFIG.lines().count() + 2;
      Run r = cmd("client", "list").userError(config + ":" + line + ": store.master_key_file: must be the path of the key file, not the key itself");
      assertThat(r.err()).doesNotContain(key);
      try (var files = Files.list(dir)) {
        assertThat(files.map(f -> f.getFileName().toString())).containsExactly("toolgate.yaml");
      }
    }

    @Test
    void yamlSyntaxError() throws IOException {
      Files.writeString(config, "platforms:\n  sendbird: {\n", StandardCharsets.UTF_8);
      Run r = cmd("client", "list");
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err()).startsWith("error: " + config + ":").doesNotContain("\tat ");
    }
  }

  /** Failures found in review, each now turned into one clear line or fixed. */
  @Nested
  class FormerBugs {
    @Test
    void serveOnABusyPortNamesTheAddressAndTheSettingToChange() throws IOException {
      try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        Files.writeString(config, CONFIG + "server: { host: 127.0.0.1, port: " + busy.getLocalPort() + " }\n", StandardCharsets.UTF_8);
        cmd("serve").userError("cannot listen: 127.0.0.1:" + busy.getLocalPort() + " is already in use by another program",
            "choose another port with server.port (and the interface with server.host) in " + config);
      }
    }

    @Test
    void demoOnABusyPortNamesTheAddressAndTheFlag() throws IOException {
      try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        run("demo", "--port", Integer.toString(busy.getLocalPort()), "--upstream-port", "0", "--mcp-port", "0", "--dir", dir.resolve("demo").toString())
            .userError("127.0.0.1:" + busy.getLocalPort() + " is already in use by another program", "choose another port with --port");
      }
    }

    @Test
    void signWithAMissingBodyFile() {
      Path missing = dir.resolve("no-body.json");
      run("sign", "--secret", "s", "--body-file", missing.toString()).invalid(missing.toString());
    }

    @Test
    void malformedMasterKeyFile() throws IOException {
      Files.writeString(dir.resolve("toolgate.key"), "not a key\n", StandardCharsets.US_ASCII);
      cmd("client", "list").userError("malformed master key in key file");
    }

    @Test
    void storeThatCannotBeOpened() throws IOException {
      Files.writeString(config, CONFIG + "store:\n  path: no-such-dir/toolgate.db\n  master_key_file: toolgate.key\n", StandardCharsets.UTF_8);
      cmd("client", "list").userError("SQLite database");
    }

    @Test
    void badOverlapIsReportedAsOverlap() {
      createClient("acme");
      String id = cmd("token", "create", "--client", "acme").ok().find("Created static token (tok_\\w+)");
      Run r = cmd("token", "rotate", id, "--overlap", "5x").invalid("--overlap");
      assertThat(r.err()).doesNotContain("--expires");
    }

    @Test
    void hugeSinceIsReportedAsSince() {
      Run r = cmd("audit", "--since", "12345678d").invalid("--since");
      assertThat(r.err()).doesNotContain("--expires");
    }

    @Test
    void overlapIsADurationNotAnInstant() {
      createClient("acme");
      String id = cmd("token", "create", "--client", "acme").ok().find("Created static token (tok_\\w+)");
      cmd("token", "rotate", id, "--overlap", "2030-01-01T00:00:00Z").invalid("--overlap");
    }

    @Test
    void rotateReportsTheOldTokensRealExpiry() {
      createClient("acme");
      String id = cmd("token", "create", "--client", "acme", "--expires", "1h").ok().find("Created static token (tok_\\w+)");
      Run r = cmd("token", "rotate", id).ok();
      Instant oldExpiry = withStore(s -> s.listStaticTokens(null).stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow().expiresAt());
      assertThat(oldExpiry).isBefore(Instant.now().plus(Duration.ofHours(2)));
      assertThat(r.out()).doesNotContain("stays valid for 24h").contains(oldExpiry.toString());
    }

    @Test
    void apikeyListShowsToolsInAStableOrder() {
      createClient("acme");
      cmd("apikey", "create", "--client", "acme", "--tools", "refund_order,catalog_search,order_status").ok();
      assertThat(cmd("apikey", "list").ok().out()).contains(" catalog_search,order_status,refund_order ");
    }
  }

  /** A variable name that is certainly not set in this process. */
  static String unsetVariable() {
    String name = "TOOLGATE_TEST_UNSET_" + Long.toHexString(System.nanoTime()).toUpperCase();
    assertThat(System.getenv(name)).isNull();
    return name;
  }
}
