package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.secret.SecretDigest;
import dev.toolgate.server.admin.AdminToken;
import dev.toolgate.server.admin.AdminTokenStore;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.users.PasswordHasher;
import dev.toolgate.server.users.SessionToken;
import dev.toolgate.server.users.User;
import dev.toolgate.server.users.UserStore;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code toolgate user|admin-token|session ...} in-process against a SQLite store. */
class UserCliTest extends CliTestSupport {
  private final InputStream originalIn = System.in;

  @AfterEach
  void restoreStdin() {
    System.setIn(originalIn);
  }

  /** The commands of this feature, registered here until ToolgateCli lists them. */
  static void register(CommandLine cli) {
    for (Object command : List.of(new UserCommand(), new AdminTokenCommand(), new SessionCommand())) {
      String name = command.getClass().getAnnotation(CommandLine.Command.class).name();
      if (!cli.getSubcommands().containsKey(name)) {
        cli.addSubcommand(command);
        // Settings made before a subcommand is added do not reach it: give it the same ones.
        cli.getSubcommands().get(name).setOut(cli.getOut()).setErr(cli.getErr())
            .setExecutionExceptionHandler(cli.getExecutionExceptionHandler());
      }
    }
  }

  Run tg(String... args) {
    String[] all = Arrays.copyOf(args, args.length + 2);
    all[args.length] = "-c";
    all[args.length + 1] = config.toString();
    return run(UserCliTest::register, all);
  }

  Run tgWithStdin(String stdin, String... args) {
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    return tg(args);
  }

  <T> T withDb(Function<Database, T> use) {
    GatewayConfig c = loadedConfig();
    try (Database db = Database.open(c.store())) {
      return use.apply(db);
    }
  }

  @Test
  void createsUsersWithThePasswordFromStdinNeverArgv() {
    String id = tgWithStdin("correct horse battery\n", "user", "create", "Alice").ok().find("Created user (usr_\\w+) \\(alice\\)");
    User alice = withDb(db -> new UserStore(db).findUser(id).orElseThrow());
    assertThat(alice.passwordHash()).as("the configured parameters").startsWith("$argon2id$v=19$m=8192,t=1,p=1$");
    assertThat(new PasswordHasher(new PasswordHasher.Parameters(8192, 1, 1)).verify("correct horse battery", alice.passwordHash())).isTrue();

    tgWithStdin("another password\n", "user", "create", "ALICE").conflict("already exists");
    tgWithStdin("short\n", "user", "create", "bob").invalid("8-128 characters");
    tgWithStdin("", "user", "create", "bob").invalid("no password on standard input");
    tg("user", "create", "bob", "--password-env", "TOOLGATE_TEST_SURELY_UNSET").invalid("the environment variable named by --password-env is not set");
    tgWithStdin("long enough pw\n", "user", "create", "bad name").invalid("username must be");
    tg("user", "create", "bob", "--password", "secret123").rejected("--password");

    Run list = tg("user", "list").ok();
    assertThat(list.out()).contains(id).contains("alice").doesNotContain("argon2");
  }

  @Test
  void disablesEnablesAndResetsPasswords() {
    String id = tgWithStdin("correct horse battery\n", "user", "create", "carol").ok().find("Created user (usr_\\w+)");
    tg("user", "disable", "carol").ok();
    User disabled = withDb(db -> new UserStore(db).findUser(id).orElseThrow());
    assertThat(disabled.disabled()).isTrue();
    tg("user", "enable", id).ok();
    User enabled = withDb(db -> new UserStore(db).findUser(id).orElseThrow());
    assertThat(enabled.disabled()).isFalse();
    tg("user", "disable", "nobody").notFound("no user with id or name 'nobody'");

    tgWithStdin("a new password here\n", "user", "reset-password", "carol").ok();
    String hash = withDb(db -> new UserStore(db).findUser(id).orElseThrow().passwordHash());
    PasswordHasher hasher = new PasswordHasher(PasswordHasher.Parameters.OWASP_2023);
    assertThat(hasher.verify("a new password here", hash)).isTrue();
    assertThat(hasher.verify("correct horse battery", hash)).isFalse();
  }

  @Test
  void adminTokenLifecycle() {
    Run created = tg("admin-token", "create", "--name", "ops", "--expires", "90d").ok();
    String id = created.find("Created admin token (adm_\\w+)");
    String value = created.find("Value \\(shown once, store it now\\): (tga_[A-Za-z0-9_-]+)");
    List<AdminToken> stored = withDb(db -> new AdminTokenStore(db).list());
    assertThat(stored).singleElement().satisfies(t -> {
      assertThat(t.id()).isEqualTo(id);
      assertThat(t.digest()).isEqualTo(SecretDigest.of(value));
      assertThat(t.expiresAt()).isNotNull();
    });
    assertThat(tg("admin-token", "list").ok().out()).contains(id).contains("ops").doesNotContain(value);
    tg("admin-token", "create", "--name", "bad name").invalid("admin token name");
    String revoked = tg("admin-token", "revoke", id, "-o", "json").ok().out();
    assertThat(tg("admin-token", "revoke", id, "-o", "json").ok().out()).as("revoking again changes nothing").isEqualTo(revoked);
    tg("admin-token", "revoke", "adm_nope").notFound("no admin token");
    List<AdminToken> active = withDb(db -> new AdminTokenStore(db).active());
    assertThat(active).isEmpty();
  }

  @Test
  void platformUserSessionLifecycle() {
    tgWithStdin("correct horse battery\n", "user", "create", "dave").ok();
    tg("user", "create", "erin", "--no-password").ok();
    User erin = withDb(db -> new UserStore(db).findUserByUsername("erin").orElseThrow());
    assertThat(erin.hasPassword()).isFalse();
    tg("user", "create", "fred", "--no-password", "--password-env", "HOME").invalid("--no-password and --password-env exclude each other");
    tg("user", "map", "dave", "--platform", "sendbird", "--platform-user-id", "sb-dave").ok();
    String opaque = tg("user", "opaque-id", "dave", "--platform", "sendbird").ok().find("(oc\\d+_[A-Za-z0-9_-]+)");
    assertThat(tg("user", "resolve", opaque).ok().out()).contains(opaque + " is user usr_").contains("(dave) on platform sendbird");
    tg("user", "resolve", "oc1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").notFound("no opaque customer identifier");
    tg("user", "map", "dave", "--platform", "sendbrid", "--platform-user-id", "sb-dave").invalid("platform 'sendbrid' is not used in");
    tg("session", "create", "--platform", "sendbird", "--user", "sb-nobody").notFound("no user_id 'sb-nobody'");

    Run first = tg("session", "create", "--platform", "sendbird", "--user", "sb-dave").ok();
    String firstId = first.find("Created session token (sess_\\w+)");
    String value = first.find("(tgu_[A-Za-z0-9_-]+)");
    tg("session", "create", "--platform", "sendbird", "--user", "sb-dave", "--expires", "1h").ok();
    List<SessionToken> tokens = withDb(db -> new UserStore(db).listSessionTokens("sendbird", "sb-dave"));
    assertThat(tokens).hasSize(2);
    SessionToken found = withDb(db -> new UserStore(db).findSessionTokenByValue(value).orElseThrow());
    assertThat(found.id()).isEqualTo(firstId);

    assertThat(tg("session", "list", "--platform", "sendbird", "--user", "sb-dave").ok().out())
        .contains(firstId).doesNotContain(value).contains("active");
    tg("session", "revoke", firstId).ok();
    assertThat(tg("session", "revoke-all", "--platform", "sendbird", "--user", "sb-dave").ok().out()).contains("Revoked 1 session token");
    List<SessionToken> after = withDb(db -> new UserStore(db).listSessionTokens("sendbird", "sb-dave"));
    assertThat(after).allSatisfy(t -> assertThat(t.revokedAt()).isNotNull());
  }

  @Test
  void opaqueIdsFromTheCommandLine() {
    String id = tgWithStdin("correct horse battery\n", "user", "create", "erin").ok().find("Created user (usr_\\w+)");
    String opaque = tg("user", "opaque-id", "erin").ok().out().strip();
    assertThat(opaque).matches("oc1_[A-Za-z0-9_-]{32}");
    assertThat(tg("user", "opaque-id", id).ok().out().strip()).isEqualTo(opaque);
    assertThat(tg("user", "opaque-id", "erin", "--platform", "sendbird").ok().out().strip()).isNotEqualTo(opaque);
    assertThat(tg("user", "rotate-opaque-key").ok().out()).contains("version 2");
    assertThat(tg("user", "opaque-id", "erin").ok().out().strip()).as("existing ids stay").isEqualTo(opaque);
  }

  @Test
  void withoutPlatformAnOpaqueIdIsForTheConfiguredCustomerTokenPlatform() throws Exception {
    java.nio.file.Files.writeString(config, CONFIG.replace("authorization_server:\n",
        "authorization_server:\n  customer_token: { opaque_id_platform: sendbird }\n"));
    tgWithStdin("correct horse battery\n", "user", "create", "gwen").ok();
    JsonObject id = CliJsonOutputTest.json(tg("user", "opaque-id", "gwen", "-o", "json"));
    assertThat(id.getString("platform")).isEqualTo("sendbird");
    assertThat(tg("user", "opaque-id", "gwen", "--platform", "sendbird").ok().out().strip()).isEqualTo(id.getString("opaque_id"));
    assertThat(tg("user", "opaque-id", "gwen", "--platform", "asapp").ok().out().strip()).isNotEqualTo(id.getString("opaque_id"));
    assertThat(tg("user", "opaque-id", "--help").ok().out()).contains("opaque_id_platform");
  }

  @Test
  void helpDescribesTheCommands() {
    assertThat(run(UserCliTest::register, "user", "--help").ok().out()).contains("create").contains("reset-password").contains("never taken from the command line");
    assertThat(run(UserCliTest::register, "admin-token", "--help").ok().out()).contains("Authorization: Bearer tga_");
    assertThat(run(UserCliTest::register, "session", "--help").ok().out()).contains("revoke-all");
  }
}
