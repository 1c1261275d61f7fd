package dev.toolgate.server.cli;

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
        "            toolgate validate    (checks it offline before you deploy it)"},
    subcommands = {
        ServeCommand.class, ReloadCommand.class, InitCommand.class, ValidateCommand.class, DemoCommand.class,
        ClientCommand.class, SecretCommand.class, TokenCommand.class, ApiKeyCommand.class,
        ClientOAuthCommand.class, ClientSecretCommand.class, KeysCommand.class,
        UserCommand.class, SessionCommand.class, AdminTokenCommand.class, MasterKeyCommand.class,
        SignCommand.class, AuditCommand.class, ExplainCommand.class, SampleUpstreamCommand.class, HealthcheckCommand.class,
        CommandLine.HelpCommand.class})
public final class ToolgateCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line (also used by tests to run commands in-process). */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new ToolgateCli());
    cli.setExecutionExceptionHandler(new ErrorHandler());
    cli.setParameterExceptionHandler(ToolgateCli::badArguments);
    return cli;
  }

  /** Picocli's usage errors, with anything that looks like a Toolgate secret masked (it may have been mistyped as an argument). */
  private static int badArguments(CommandLine.ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    cli.getErr().println(cli.getColorScheme().errorText(Secrets.redact(e.getMessage())));
    if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, cli.getErr())) {
      e.getCommandLine().usage(cli.getErr(), cli.getColorScheme());
    }
    return cli.getCommandSpec().exitCodeOnInvalidInput();
  }
}
