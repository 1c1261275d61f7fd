package dev.toolgate.server.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code -o/--output text|json} on every command that prints something. JSON is one document on
 * stdout, in the admin API's shapes ({@code AdminResources}), so a script reads the same fields
 * from the CLI and the API: {@code toolgate token create --client c -o json | jq -r .secret}.
 * {@code --json} is kept, hidden, for scripts written before {@code -o}.
 */
final class OutputOption {
  enum Format { text, json }

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
      description = "text (default) for people, or json: one JSON document on stdout, in the admin API's shapes, for scripts."
          + " With json, a failure is one JSON object on stderr.")
  Format format;

  @Option(names = "--json", hidden = true, description = "Same as -o json.")
  boolean json;

  boolean json() {
    return json || format == Format.json;
  }

  /** Prints {@code doc} as one line of JSON, or, for {@code -o text}, what {@code text} writes. */
  void print(CommandSpec spec, JsonObject doc, Consumer<PrintWriter> text) {
    PrintWriter out = spec.commandLine().getOut();
    if (json()) {
      out.println(doc.encode());
    } else {
      text.accept(out);
    }
    out.flush();
  }

  /**
   * Whether these arguments ask for JSON: for failures found while parsing them, before any option
   * was set. Matches every spelling picocli accepts ({@code -o json}, {@code -ojson}, {@code -o=json},
   * {@code --output json}, {@code --output=json}, {@code --json}).
   */
  static boolean requested(String[] args) {
    List<String> all = List.of(args);
    for (int i = 0; i < all.size(); i++) {
      String a = all.get(i);
      if (a.equals("--")) {
        return false;
      }
      String lower = a.toLowerCase(Locale.ROOT);
      if (a.equals("--json") || lower.equals("-ojson") || lower.equals("-o=json") || lower.equals("--output=json")) {
        return true;
      }
      if ((a.equals("-o") || a.equals("--output")) && i + 1 < all.size() && all.get(i + 1).equalsIgnoreCase("json")) {
        return true;
      }
    }
    return false;
  }
}
