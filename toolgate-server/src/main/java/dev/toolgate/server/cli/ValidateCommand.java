package dev.toolgate.server.cli;

import dev.toolgate.core.config.ConfigException;
import dev.toolgate.core.config.ConfigSchema;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.route.RouteTable;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"Check a configuration file before deploying it, offline: no store, no",
        "network, no master key needed. Every error goes to stderr as FILE:LINE: FIELD:",
        "PROBLEM, as serve would report it, and the exit code is 1; a valid file prints",
        "FILE: valid (N tools, M platforms) and exits 0.",
        "",
        "It also checks, on this machine, what serve checks when it starts: the SQLite",
        "database's directory, the master key when one is given (variable or file),",
        "the previous master key, the database and Redis passwords' variables or file.",
        "",
        "Exit codes: 0 valid, 1 invalid or unreadable, 2 wrong command line."})
final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConfigOption config;

  @Option(names = "--file-only",
      description = "Check the file alone, not the files and environment variables it names (key files, passwords):"
          + " for CI and other machines where those are absent.")
  boolean fileOnly;

  @Option(names = "--print-schema",
      description = "Print the JSON Schema (draft 2020-12) of toolgate.yaml and exit, reading no file:"
          + " `toolgate validate --print-schema > " + ConfigSchema.FILE_NAME + "` refreshes the copy next to your file after an upgrade.")
  boolean printSchema;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (printSchema) {
      out.print(ConfigSchema.text());
      out.flush();
      return 0;
    }
    GatewayConfig loaded;
    try {
      loaded = config.load();
      RouteTable.from(loaded); // what serve builds from it next
    } catch (ConfigException e) {
      err.println(e.getMessage());
      err.flush();
      return 1;
    }
    List<String> problems = fileOnly ? List.of() : StartChecks.problems(loaded, System::getenv);
    if (!problems.isEmpty()) {
      problems.forEach(err::println);
      err.flush();
      return 1;
    }
    out.println(loaded.source() + ": valid (" + count(loaded.tools().size(), "tool") + ", " + count(loaded.platforms().size(), "platform")
        + (fileOnly ? "; the files and variables it names were not checked" : "") + ")");
    out.flush();
    return 0;
  }

  private static String count(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }
}
