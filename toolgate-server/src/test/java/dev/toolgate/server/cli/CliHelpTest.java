package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/** {@code --help} on every command, {@code --version}, and the bare command. */
class CliHelpTest extends CliTestSupport {

  /** Every command path below {@code toolgate}: [client], [client, create], ... */
  private static List<List<String>> commandPaths(CommandLine cli, List<String> prefix) {
    List<List<String>> paths = new ArrayList<>();
    for (var entry : cli.getSubcommands().entrySet()) {
      // getSubcommands() also lists aliases; the command's own name is enough.
      if (!entry.getKey().equals(entry.getValue().getCommandName())) {
        continue;
      }
      List<String> path = new ArrayList<>(prefix);
      path.add(entry.getKey());
      paths.add(path);
      paths.addAll(commandPaths(entry.getValue(), path));
    }
    return paths;
  }

  @Test
  void theCommandTreeHasEveryDocumentedCommand() {
    List<String> names = commandPaths(ToolgateCli.commandLine(), List.of()).stream().map(p -> String.join(" ", p)).toList();
    assertThat(names).contains(
        "serve", "init", "demo", "sample-upstream", "sign", "audit", "healthcheck", "help",
        "client", "client create", "client list", "client disable", "client enable",
        "secret", "secret add", "secret list", "secret revoke",
        "token", "token create", "token list", "token rotate", "token revoke",
        "apikey", "apikey create", "apikey list", "apikey rotate", "apikey revoke");
  }

  @Test
  void auditAndAuditExportShareTheirFilterOptions() {
    CommandLine audit = ToolgateCli.commandLine().getSubcommands().get("audit");
    CommandLine export = audit.getSubcommands().get("export");
    for (String name : List.of("--request", "--tool", "--client", "--decision", "--code", "--since")) {
      var inAudit = audit.getCommandSpec().findOption(name);
      var inExport = export.getCommandSpec().findOption(name);
      assertThat(inAudit).as(name).isNotNull();
      assertThat(inExport).as(name).isNotNull();
      assertThat(inExport.description()).as(name).isEqualTo(inAudit.description());
      assertThat(inExport.paramLabel()).as(name).isEqualTo(inAudit.paramLabel());
    }
    assertThat(audit.getCommandSpec().mixins()).containsKey("filters");
    assertThat(export.getCommandSpec().mixins()).containsKey("filters");
    assertThat(run("audit", "export", "--help").ok().out()).contains("--since=WHEN", "Only at or after this");
  }

  @Test
  void topLevelHelpListsTheCommands() {
    Run r = run("--help").ok();
    assertThat(r.out()).startsWith("Usage: toolgate ")
        .contains("Gateway and authorization server for AI-agent tool calls.")
        .contains("-h, --help", "-V, --version");
    for (String command : List.of("serve", "init", "demo", "client", "secret", "token", "apikey", "sign", "audit", "sample-upstream")) {
      assertThat(r.out()).containsPattern("(?m)^\\s+" + command + "\\s");
    }
    assertThat(run("-h").ok().out()).isEqualTo(r.out());
  }

  @TestFactory
  Stream<DynamicTest> everyCommandAndSubcommandHasHelp() {
    return commandPaths(ToolgateCli.commandLine(), List.of()).stream().map(path -> DynamicTest.dynamicTest(
        "toolgate " + String.join(" ", path) + " --help", () -> {
          List<String> args = new ArrayList<>(path);
          args.add("--help");
          Run r = run(args.toArray(String[]::new)).ok();
          // (picocli's own help command puts its description before the synopsis)
          assertThat(r.out()).contains("Usage: toolgate " + String.join(" ", path) + " ");
          if (!path.equals(List.of("help"))) {
            assertThat(r.out()).startsWith("Usage: toolgate " + String.join(" ", path) + " ");
          }
          assertThat(r.out()).contains("-h, --help");
          // Help describes the command (a description line after the synopsis) and is not the top-level text.
          assertThat(r.out().lines().count()).isGreaterThan(2);
          assertThat(r.out()).doesNotContain("Start with: toolgate demo");
        }));
  }

  @TestFactory
  Stream<DynamicTest> helpCommandDescribesEachCommand() {
    return commandPaths(ToolgateCli.commandLine(), List.of()).stream()
        .filter(p -> p.size() == 1 && !p.get(0).equals("help"))
        .map(p -> DynamicTest.dynamicTest("toolgate help " + p.get(0), () -> {
          Run r = run("help", p.get(0)).ok();
          assertThat(r.out()).startsWith("Usage: toolgate " + p.get(0));
        }));
  }

  @Test
  void commandsThatTouchTheStoreDocumentTheConfigOption() {
    for (String[] path : new String[][] {
        {"serve"}, {"init"}, {"audit"}, {"client", "create"}, {"client", "list"}, {"secret", "add"},
        {"token", "create"}, {"token", "rotate"}, {"apikey", "create"}, {"apikey", "revoke"}}) {
      List<String> args = new ArrayList<>(List.of(path));
      args.add("--help");
      assertThat(run(args.toArray(String[]::new)).ok().out()).as(String.join(" ", path)).contains("-c, --config=FILE");
    }
  }

  /**
   * Every command that prints something takes {@code -o json}, and every command takes {@code
   * --server}: to do its work through the admin API, or to refuse it saying why (hidden then).
   * Only the long-running ones, whose output is a server's log, have no JSON to give.
   */
  @Test
  void everyCommandOffersJsonOutputAndServerMode() {
    List<String> noJson = List.of("serve", "sample-upstream", "help");
    CommandLine root = ToolgateCli.commandLine();
    for (List<String> path : commandPaths(root, List.of())) {
      CommandLine command = root;
      for (String name : path) {
        command = command.getSubcommands().get(name);
      }
      if (!command.getSubcommands().isEmpty() && !path.equals(List.of("audit")) || path.equals(List.of("help"))) {
        continue; // a group prints its usage only (audit lists the log itself)
      }
      var spec = command.getCommandSpec();
      assertThat(spec.findOption("--server")).as("toolgate %s --server", String.join(" ", path)).isNotNull();
      if (noJson.contains(path.get(0))) {
        assertThat(spec.findOption("--output")).as("toolgate %s", String.join(" ", path)).isNull();
      } else {
        assertThat(spec.findOption("--output")).as("toolgate %s -o", String.join(" ", path)).isNotNull();
        assertThat(spec.findOption("-o")).isNotNull();
        assertThat(spec.findOption("--json")).as("the old flag, kept").isNotNull();
      }
    }
  }

  @Test
  void theHelpFooterListsTheExitCodes() {
    String help = run("--help").ok().out();
    assertThat(help).contains("Exit codes:", "  0  ok", "  1  failure", "  2  usage", "  3  not found", "  4  conflict", "  5  not authorized",
        "{\"error\": {\"code\": \"not_found\"", "--server URL", "TOOLGATE_ADMIN_TOKEN");
    assertThat(run("token", "list", "--help").ok().out()).contains("--server=URL", "$TOOLGATE_SERVER", "$TOOLGATE_ADMIN_TOKEN", "-o, --output=FORMAT");
  }

  @Test
  void sampleUpstreamOffersTheSampleMcpServer() {
    // bench/mcp.sh starts the sample MCP server this way; off unless asked for.
    assertThat(run("sample-upstream", "--help").ok().out()).contains("--mcp-port=PORT", "sample MCP server", "(default: not run)");
  }

  @Test
  void version() {
    Run r = run("--version").ok();
    assertThat(r.out().strip()).matches("toolgate (development build|\\d+\\.\\d+.*)");
    assertThat(run("-V").ok().out()).isEqualTo(r.out());
  }

  @Test
  void withoutArgumentsItPrintsUsage() {
    Run r = run().ok();
    assertThat(r.out()).startsWith("Usage: toolgate ").contains("Commands:");
  }
}
