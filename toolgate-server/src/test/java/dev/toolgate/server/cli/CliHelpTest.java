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
