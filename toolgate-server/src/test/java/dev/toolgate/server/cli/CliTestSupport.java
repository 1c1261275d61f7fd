package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.ConfigLoader;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.server.store.AuditLog;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.MasterKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs {@code toolgate} commands in-process against a configuration and SQLite store in a fresh
 * temporary directory, and opens that store to check what a command did.
 */
abstract class CliTestSupport {
  /** An address nothing listens on: the CLI never connects to upstreams. */
  static final String NOWHERE = "http://127.0.0.1:9";

  static final String CONFIG = """
      # written by the CLI tests
      authorization_server:
        password_hash: { memory_kib: 8192, iterations: 1, parallelism: 1 }
      platforms:
        sendbird: {}
      tools:
        - { name: order_status, platform: sendbird, method: POST, path: /orders/status,
            upstream: "%1$s", policy: { require: [sendbird_signature] } }
        - { name: get_profile, platform: sendbird, method: GET, path: "/users/{user_id}/profile",
            upstream: "%1$s/profile/{user_id}", policy: { require: [static_token] } }
        - { name: catalog_search, platform: sendbird, method: GET, path: /catalog/search,
            upstream: "%1$s", policy: { require: [api_key] } }
        - { name: refund_order, platform: sendbird, method: POST, path: /orders/refund,
            upstream: "%1$s", policy: { require: [sendbird_signature, api_key] } }
        - { name: service_status, method: GET, path: /status,
            upstream: "%1$s", policy: { anonymous: true } }
      """.formatted(NOWHERE);

  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");

  @TempDir Path dir;
  Path config;

  /** What one command printed and returned. */
  record Run(int exit, String out, String err) {
    /** The first match of {@code regex}'s group 1 in stdout, or a failed assertion. */
    String find(String regex) {
      Matcher m = Pattern.compile(regex).matcher(out);
      assertThat(m.find()).as("stdout has %s:%n%s", regex, out).isTrue();
      return m.group(1);
    }

    /** Asserts success: exit 0 and nothing on stderr. */
    Run ok() {
      assertThat(exit).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isZero();
      assertThat(err).as("stderr").isEmpty();
      return this;
    }

    /**
     * Asserts a failure outside the command line (exit 1: store, configuration, a process): one line
     * {@code error: ...} on stderr, no stack trace.
     */
    Run userError(String... fragments) {
      return error(1, fragments);
    }

    /** Asserts a bad value the command itself found (exit 2): one line {@code error: ...}, no usage text. */
    Run invalid(String... fragments) {
      return error(2, fragments);
    }

    /** Asserts that what the command names does not exist (exit 3). */
    Run notFound(String... fragments) {
      return error(3, fragments);
    }

    /** Asserts a conflict with what is stored (exit 4). */
    Run conflict(String... fragments) {
      return error(4, fragments);
    }

    /** Asserts a refused admin token (exit 5). */
    Run notAuthorized(String... fragments) {
      return error(5, fragments);
    }

    /** Asserts exit {@code code} with one line {@code error: ...} on stderr, no stack trace, nothing on stdout. */
    Run error(int code, String... fragments) {
      assertThat(exit).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isEqualTo(code);
      assertThat(err.strip().lines()).as("stderr is one line:%n%s", err).hasSize(1);
      assertThat(err).startsWith("error: ").doesNotContain("Exception").doesNotContain("\tat ")
          .doesNotContain("unexpected error");
      for (String f : fragments) {
        assertThat(err).contains(f);
      }
      return this;
    }

    /** Asserts a failure reported as JSON ({@code -o json}): exit {@code code}, one JSON object on stderr, nothing on stdout. */
    io.vertx.core.json.JsonObject jsonError(int code, String errorCode) {
      assertThat(exit).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isEqualTo(code);
      assertThat(out).isEmpty();
      assertThat(err.strip().lines()).as("stderr is one line:%n%s", err).hasSize(1);
      io.vertx.core.json.JsonObject json = new io.vertx.core.json.JsonObject(err);
      assertThat(json.fieldNames()).containsExactly("error");
      assertThat(json.getJsonObject("error").fieldNames()).containsExactlyInAnyOrder("code", "message");
      assertThat(json.getJsonObject("error").getString("code")).isEqualTo(errorCode);
      return json.getJsonObject("error");
    }

    /** Asserts a usage error: exit 2, a message and the usage text on stderr, nothing on stdout. */
    Run usageError(String... fragments) {
      assertThat(exit).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isEqualTo(2);
      assertThat(err).contains("Usage: ").doesNotContain("\tat ");
      for (String f : fragments) {
        assertThat(err).contains(f);
      }
      return this;
    }

    /**
     * Asserts a rejected argument: exit 2 and, on stderr, a message naming it followed by either the
     * usage or picocli's "did you mean" suggestions (which it prints instead of the usage).
     */
    Run rejected(String... fragments) {
      assertThat(exit).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isEqualTo(2);
      assertThat(err).containsAnyOf("Usage: ", "Did you mean", "Possible solutions").doesNotContain("\tat ");
      assertThat(out).isEmpty();
      for (String f : fragments) {
        assertThat(err).contains(f);
      }
      return this;
    }
  }

  @BeforeEach
  void writeConfig() throws IOException {
    config = dir.resolve("toolgate.yaml");
    Files.writeString(config, CONFIG, StandardCharsets.UTF_8);
  }

  /** Runs the CLI with these arguments, exactly as {@code toolgate ARGS...} would. */
  static Run run(String... args) {
    return run(cli -> {}, args);
  }

  static Run run(Consumer<CommandLine> setup, String... args) {
    return run(ToolgateCli.commandLine(), setup, args);
  }

  /** Runs the CLI with these arguments and this environment (instead of the process's), as {@code env ... toolgate ARGS...} would. */
  static Run runWithEnv(java.util.Map<String, String> env, String... args) {
    return run(ToolgateCli.commandLine(env), cli -> {}, args);
  }

  private static Run run(CommandLine cli, Consumer<CommandLine> setup, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    setup.accept(cli);
    int exit = cli.execute(args);
    cli.getOut().flush();
    cli.getErr().flush();
    return new Run(exit, plain(out), plain(err));
  }

  /** Runs a command against this test's configuration: {@code -c CONFIG} is appended. */
  Run cmd(String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "-c";
    all[args.length + 1] = config.toString();
    return run(all);
  }

  private static String plain(StringWriter w) {
    return ANSI.matcher(w.toString()).replaceAll("").replace("\r\n", "\n");
  }

  GatewayConfig loadedConfig() {
    return ConfigLoader.load(config);
  }

  /** Opens this test's store the way the server does and applies {@code check} to it. */
  <T> T withStore(Function<CredentialStore, T> check) {
    GatewayConfig c = loadedConfig();
    try (Database db = Database.open(c.store())) {
      return check.apply(new CredentialStore(db, MasterKey.load(c.store())));
    }
  }

  /** Opens this test's store as a command does (master key checked) and applies {@code use} to it. */
  <T> T inStore(Function<StoreSession, T> use) {
    try (StoreSession s = new StoreSession(loadedConfig())) {
      return use.apply(s);
    }
  }

  <T> T withAudit(Function<AuditLog, T> use) {
    GatewayConfig c = loadedConfig();
    try (Database db = Database.open(c.store())) {
      return use.apply(new AuditLog(db));
    }
  }

  java.util.List<dev.toolgate.core.port.ClientRecord> clients() {
    return withStore(CredentialStore::listClients);
  }

  java.util.List<dev.toolgate.core.port.StaticToken> tokens() {
    return withStore(s -> s.listStaticTokens(null));
  }

  java.util.List<dev.toolgate.core.port.ApiKey> apiKeys() {
    return withStore(s -> s.listApiKeys(null));
  }

  java.util.List<dev.toolgate.core.port.SigningSecret> secrets(String clientId) {
    return withStore(s -> s.listSigningSecrets(clientId));
  }

  /** Creates client {@code name} of platform sendbird through the CLI and returns its id. */
  String createClient(String name) {
    return cmd("client", "create", name, "--platform", "sendbird").ok().find("Created client (cl_\\w+)");
  }
}
