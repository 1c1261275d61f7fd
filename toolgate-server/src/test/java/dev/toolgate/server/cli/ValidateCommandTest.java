package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.ConfigException;
import dev.toolgate.core.config.ConfigLoader;
import dev.toolgate.core.config.ConfigSchema;
import dev.toolgate.server.store.MasterKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code toolgate validate}: the loader's errors, offline, and what serve checks at start on this machine. */
class ValidateCommandTest extends CliTestSupport {
  private static final String ONE_TOOL = """
      tools:
        - { name: status, method: GET, path: /status, upstream: "http://127.0.0.1:9", policy: { anonymous: true } }
      """;

  @Test
  void aValidFileIsReportedWithItsCountsAndNothingIsCreated() throws Exception {
    Run r = cmd("validate").ok();
    assertThat(r.out()).isEqualTo(config + ": valid (5 tools, 1 platform)\n");
    // Offline: no store opened, no key written.
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("toolgate.yaml");
    }
  }

  @Test
  void theStarterFileFromInitIsValidAndTheSchemaItNamesIsBesideIt() throws Exception {
    Path starter = dir.resolve("starter.yaml");
    assertThat(run("init", "-c", starter.toString()).ok().out()).contains("toolgate validate --config " + starter);
    assertThat(run("validate", "--config", starter.toString()).ok().out()).isEqualTo(starter + ": valid (4 tools, 2 platforms)\n");
    assertThat(Files.readString(starter)).startsWith("# yaml-language-server: $schema=" + ConfigSchema.FILE_NAME + "\n");
    assertThat(Files.readString(dir.resolve(ConfigSchema.FILE_NAME))).isEqualTo(ConfigSchema.text());
    run("init", "-c", dir.resolve(ConfigSchema.FILE_NAME).toString()).invalid("is the name of the schema file");
  }

  @Test
  void printSchemaPrintsTheSchemaWithoutReadingAFile() {
    Run r = run("validate", "--print-schema", "--config", dir.resolve("nope.yaml").toString()).ok();
    assertThat(r.out()).isEqualTo(ConfigSchema.text()).startsWith("{").contains("\"$schema\": \"https://json-schema.org/draft/2020-12/schema\"");
  }

  @Test
  void errorsAreTheLoadersOneALineOnStderrAndTheSameServeGives() throws Exception {
    Files.writeString(config, """
        platforms:
          sendbird: {}
        tools:
          - { name: Bad, method: GET, path: /a, upstream: "http://127.0.0.1:9", policy: { require: [apikey] } }
          - { name: b, method: GET, path: /a, upstream: "http://127.0.0.1:9", platform: asapp, policy: { anonymous: true } }
        """);
    String loader = loaderErrors();
    Run r = cmd("validate");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo(loader + "\n");
    assertThat(r.err().lines()).hasSize(4).allSatisfy(line -> assertThat(line).startsWith(config + ":"));
    assertThat(r.err()).contains(config + ":4: tools[0].name: invalid tool name 'Bad'",
        config + ":4: tools[0].policy.require[0]: unknown credential kind 'apikey'",
        config + ":5: tools[1].platform: unknown platform 'asapp' (declared: sendbird)",
        config + ":5: tools[1].path: route GET /a of tool 'b' overlaps route GET /a of tool tools[0]");
    // serve stops on the same errors, before opening anything.
    Run serve = cmd("serve");
    assertThat(serve.exit()).isEqualTo(1);
    assertThat(serve.err()).isEqualTo("error: " + loader + "\n");
  }

  @Test
  void aMissingOrUnreadableFileIsAClearErrorAndAWrongCommandLineIsAUsageError() throws Exception {
    run("validate", "--config", dir.resolve("nope.yaml").toString())
        .invalid(dir.resolve("nope.yaml") + " does not exist; run `toolgate init`");
    Run directory = run("validate", "--config", dir.toString());
    assertThat(directory.exit()).isEqualTo(1);
    assertThat(directory.err()).startsWith(dir + ":0: (file): cannot read the file").doesNotContain("\tat ");
    Files.write(config, new byte[] {'t', 'o', 'o', 'l', 's', ':', (byte) 0xff, '\n'});
    Run binary = cmd("validate");
    assertThat(binary.exit()).isEqualTo(1);
    assertThat(binary.err()).isEqualTo(config + ":0: (file): not UTF-8 text\n");
    cmd("validate", "--bogus").usageError("Unknown option: '--bogus'", "Usage: toolgate validate");
  }

  @Test
  void theRedisPasswordFileMustBeReadableUnlessOnlyTheFileIsChecked() throws Exception {
    Files.writeString(config, """
        redis:
          url: redis://127.0.0.1:6379
          password_file: redis-password
        """ + ONE_TOOL);
    Run missing = cmd("validate");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).startsWith(config + ":3: redis.password_file: cannot read the file it names (NoSuchFileException)");
    assertThat(cmd("validate", "--file-only").ok().out())
        .isEqualTo(config + ": valid (1 tool, 0 platforms; the files and variables it names were not checked)\n");

    Files.writeString(dir.resolve("redis-password"), "s3cret-redis-password\n");
    assertThat(cmd("validate").ok().out()).isEqualTo(config + ": valid (1 tool, 0 platforms)\n");
  }

  @Test
  void theTlsFilesMustBeWhatServeCanUseAndTheKeyIsNeverPrinted() throws Exception {
    Files.writeString(config, """
        server:
          tls: { certificate: cert.pem, key: key.pem }
        """ + ONE_TOOL);
    Files.writeString(dir.resolve("cert.pem"), "not a certificate\n");
    Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWxvb2tpbmcta2V5\n-----END PRIVATE KEY-----\n");
    Run r = cmd("validate");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith(config + ":2: server.tls.certificate: ").doesNotContain("c2VjcmV0").doesNotContain("\tat ");
    cmd("validate", "--file-only").ok();
  }

  @Test
  void theSqliteDirectoryMustExist() throws Exception {
    Files.writeString(config, "store:\n  path: data/toolgate.db\n" + ONE_TOOL);
    Run r = cmd("validate");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo(config + ": store.path: the SQLite database's directory " + dir.resolve("data")
        + " does not exist; Toolgate creates the database file on first start, not its directory\n");
    Files.createDirectory(dir.resolve("data"));
    cmd("validate").ok();
  }

  @Test
  void aMasterKeyFileThatExistsMustHoldAKeyAndTheKeyIsNeverPrinted() throws Exception {
    Map<String, String> noKeyVariables = Map.of();
    Files.writeString(config, "store:\n  master_key_file: keys/toolgate.key\n" + ONE_TOOL);
    assertThat(StartChecks.problems(ConfigLoader.load(config), noKeyVariables::get)).singleElement().asString()
        .startsWith(config + ": store.master_key_file: neither the key file " + dir.resolve("keys/toolgate.key") + " nor its directory exists");
    Files.createDirectory(dir.resolve("keys"));
    assertThat(StartChecks.problems(ConfigLoader.load(config), noKeyVariables::get)).isEmpty(); // serve would create the key there
    Files.writeString(dir.resolve("keys/toolgate.key"), "not-a-key-but-a-secret-looking-value\n");
    assertThat(StartChecks.problems(ConfigLoader.load(config), noKeyVariables::get)).singleElement().asString()
        .startsWith(config + ": malformed master key in key file " + dir.resolve("keys/toolgate.key")).doesNotContain("secret-looking");

    Files.writeString(config, "store:\n  previous_master_key_file: old.key\n" + ONE_TOOL);
    assertThat(StartChecks.problems(ConfigLoader.load(config), noKeyVariables::get)).singleElement().asString()
        .startsWith(config + ": previous master key file " + dir.resolve("old.key") + " (store.previous_master_key_file) does not exist");
    Files.writeString(dir.resolve("old.key"), MasterKey.generate().toBase64());
    assertThat(StartChecks.problems(ConfigLoader.load(config), noKeyVariables::get)).isEmpty();
  }

  @Test
  void variablesAreReadFromTheEnvironmentServeWouldHave() throws Exception {
    Files.writeString(config, """
        store:
          kind: postgresql
          url: jdbc:postgresql://127.0.0.1:1/toolgate
          password_env: TOOLGATE_DB_PASSWORD
        redis:
          url: redis://127.0.0.1:1
          password_env: TOOLGATE_REDIS_PASSWORD
        """ + ONE_TOOL);
    var loaded = ConfigLoader.load(config);
    assertThat(StartChecks.problems(loaded, Map.<String, String>of()::get)).containsExactly(
        config + ":4: store.password_env: the environment variable it names is not set (or is empty). It must be the NAME of an"
            + " environment variable that holds the database password (e.g. TOOLGATE_DB_PASSWORD), never the password itself;"
            + " the value is not repeated here in case it is one",
        config + ":7: redis.password_env: the environment variable it names is not set (or is empty). It must be the NAME of an"
            + " environment variable that holds the Redis password (e.g. TOOLGATE_REDIS_PASSWORD), never the password itself;"
            + " the value is not repeated here in case it is one");
    String key = MasterKey.generate().toBase64();
    assertThat(StartChecks.problems(loaded, Map.of("TOOLGATE_DB_PASSWORD", "db", "TOOLGATE_REDIS_PASSWORD", "redis",
        MasterKey.ENV_VAR, key)::get)).isEmpty();
    assertThat(StartChecks.problems(loaded, Map.of("TOOLGATE_DB_PASSWORD", "db", "TOOLGATE_REDIS_PASSWORD", "redis",
        MasterKey.ENV_VAR, "c2hvcnQ=")::get))
        .containsExactly(config + ": malformed master key in environment variable TOOLGATE_MASTER_KEY: decodes to 5 bytes, expected 32");
  }

  private String loaderErrors() {
    try {
      ConfigLoader.load(config);
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("the file loads");
  }

  @Test
  void helpSaysWhatItChecksAndTheExitCodes() {
    assertThat(run("validate", "--help").ok().out()).contains("offline", "--file-only", "-c, --config=FILE",
        "Exit codes: 0 valid, 1 invalid or unreadable, 2 wrong command line.");
  }
}
