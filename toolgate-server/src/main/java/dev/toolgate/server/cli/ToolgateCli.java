package dev.toolgate.server.cli;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code toolgate}: the single entry point of the server jar. */
@Command(
    name = "toolgate",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
        "Gateway and authorization server for AI-agent tool calls.",
        "Verifies every call (request signatures, static tokens, API keys), forwards only what the",
        "tool's policy allows, and records every decision.",
        "",
        "Start with: toolgate demo        (a working gateway with sample tools and credentials)",
        "Then:       toolgate init        (writes a commented toolgate.yaml to edit)",
        "            toolgate validate    (checks it offline before you deploy it)",
        "",
        "Scripts: -o json on any command prints one JSON document (the admin API's",
        "shapes). --server URL (or $TOOLGATE_SERVER) does a command through a running",
        "server's admin API, token from $TOOLGATE_ADMIN_TOKEN, instead of the store."},
    footer = {
        "",
        "Exit codes:",
        "  0  ok",
        "  1  failure: store or server unreachable, broken configuration, unexpected",
        "  2  usage: a bad option, argument or value",
        "  3  not found: what the command names does not exist",
        "  4  conflict: it already exists, is disabled, or changed meanwhile",
        "  5  not authorized (--server): no admin token, or one refused or too weak",
        "With -o json a failure is one JSON object on stderr:",
        "  {\"error\": {\"code\": \"not_found\", \"message\": \"...\"}}",
        "  (code: failure, usage, not_found, conflict, not_authorized)"},
    subcommands = {
        ServeCommand.class, ReloadCommand.class, InitCommand.class, ValidateCommand.class, DemoCommand.class,
        ClientCommand.class, SecretCommand.class, TokenCommand.class, ApiKeyCommand.class,
        ClientOAuthCommand.class, ClientSecretCommand.class, KeysCommand.class,
        UserCommand.class, SessionCommand.class, AdminTokenCommand.class, MasterKeyCommand.class,
        SignCommand.class, AuditCommand.class, ExplainCommand.class, SampleUpstreamCommand.class, HealthcheckCommand.class,
        CommandLine.HelpCommand.class})
public final class ToolgateCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  /** The environment commands read ({@code TOOLGATE_SERVER}, {@code TOOLGATE_ADMIN_TOKEN}); tests give their own. */
  private final Function<String, String> env;

  private ToolgateCli(Function<String, String> env) {
    this.env = Objects.requireNonNull(env, "env");
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line (also used by tests to run commands in-process). */
  public static CommandLine commandLine() {
    return commandLine(System::getenv);
  }

  /** A command line whose commands read this environment instead of the process's. */
  static CommandLine commandLine(Function<String, String> env) {
    CommandLine cli = new CommandLine(new ToolgateCli(env));
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(new ErrorHandler());
    cli.setParameterExceptionHandler(ToolgateCli::badArguments);
    return cli;
  }

  static CommandLine commandLine(Map<String, String> env) {
    return commandLine(env::get);
  }

  /** The environment variable {@code name} as the command line {@code spec} belongs to sees it, or null. */
  static String env(CommandLine.Model.CommandSpec spec, String name) {
    return ((ToolgateCli) spec.root().userObject()).env.apply(name);
  }

  /**
   * Picocli's usage errors (exit 2), with anything that looks like a Toolgate secret masked (it may
   * have been mistyped as an argument); with {@code -o json}, one JSON object instead of the usage.
   */
  private static int badArguments(CommandLine.ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    if (OutputOption.requested(args)) {
      ErrorHandler.report(cli, true, ExitCode.USAGE, e.getMessage());
      return ExitCode.USAGE.value();
    }
    cli.getErr().println(cli.getColorScheme().errorText(Secrets.redact(e.getMessage())));
    if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, cli.getErr())) {
      e.getCommandLine().usage(cli.getErr(), cli.getColorScheme());
    }
    return cli.getCommandSpec().exitCodeOnInvalidInput();
  }
}
