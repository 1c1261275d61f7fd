package dev.toolgate.server.cli;

import dev.toolgate.core.config.ConfigSchema;
import dev.toolgate.core.config.StarterConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "init", mixinStandardHelpOptions = true,
    description = {"Write a commented starter toolgate.yaml to edit, and next to it",
        ConfigSchema.FILE_NAME + ", the JSON Schema its first line names, with which editors",
        "complete and check the file (rewritten each time: it describes this version)."})
final class InitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin OutputOption output;
  @Mixin NoServer noServer;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "${env:TOOLGATE_CONFIG:-toolgate.yaml}",
      description = "Where to write it (default: toolgate.yaml, or $TOOLGATE_CONFIG when it is set).")
  Path file;

  @Option(names = "--force", description = "Overwrite an existing file.")
  boolean force;

  @Override
  public Integer call() throws IOException {
    Path schema = file.resolveSibling(ConfigSchema.FILE_NAME);
    if (file.getFileName() != null && file.getFileName().toString().equals(ConfigSchema.FILE_NAME)) {
      throw UserError.usage(file + " is the name of the schema file written next to the configuration; name the configuration otherwise");
    }
    if (Files.exists(file) && !force) {
      throw UserError.conflict(file + " already exists; pass --force to overwrite it");
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, StarterConfig.text(), StandardCharsets.UTF_8);
    // Named by a relative path in the file's first line: an editor finds it wherever the two are moved together.
    Files.writeString(schema, ConfigSchema.text(), StandardCharsets.UTF_8);
    output.print(spec, new JsonObject().put("config", file.toString()).put("schema", schema.toString()),
        out -> out.println("Wrote " + file + " (and " + schema + " for editors). Edit the tools, check with"
            + " toolgate validate --config " + file + ", then: toolgate serve --config " + file));
    return 0;
  }
}
