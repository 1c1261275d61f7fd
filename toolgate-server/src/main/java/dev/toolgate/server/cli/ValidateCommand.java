package dev.toolgate.server.cli;

import dev.toolgate.core.config.ConfigException;
import dev.toolgate.core.config.ConfigSchema;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.route.RouteTable;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
        "With -o json it prints one report: {\"file\", \"valid\", \"tools\", \"platforms\", \"environment_checked\",",
        "\"problems\": [...]}, on stdout whether valid or not.",
        "",
        "Exit codes: 0 valid, 1 invalid or unreadable, 2 wrong command line."})
final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConfigOption config;
  @Mixin OutputOption output;
  @Mixin NoServer noServer;

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
    if (printSchema) {
      out.print(ConfigSchema.text()); // a JSON document already, whatever -o says
      out.flush();
      return 0;
    }
    GatewayConfig loaded = null;
    List<String> problems;
    try {
      loaded = config.load();
      RouteTable.from(loaded); // what serve builds from it next
      problems = fileOnly ? List.of() : StartChecks.problems(loaded, System::getenv);
    } catch (ConfigException e) {
      problems = e.getMessage().lines().toList();
    }
    JsonObject report = new JsonObject()
        .put("file", (loaded == null ? config.file : loaded.source()).toString())
        .put("valid", problems.isEmpty())
        .put("tools", loaded == null ? null : loaded.tools().size())
        .put("platforms", loaded == null ? null : loaded.platforms().size())
        .put("environment_checked", !fileOnly)
        .put("problems", new JsonArray(problems));
    if (!problems.isEmpty()) {
      if (output.json()) {
        output.print(spec, report, text -> { });
      } else {
        PrintWriter err = spec.commandLine().getErr();
        problems.forEach(err::println);
        err.flush();
      }
      return 1;
    }
    GatewayConfig valid = loaded;
    output.print(spec, report, text -> text.println(valid.source() + ": valid (" + count(valid.tools().size(), "tool") + ", "
        + count(valid.platforms().size(), "platform") + (fileOnly ? "; the files and variables it names were not checked" : "") + ")"));
    return 0;
  }

  private static String count(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }
}
