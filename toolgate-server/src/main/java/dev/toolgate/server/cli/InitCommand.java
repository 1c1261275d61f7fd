package dev.toolgate.server.cli;

import dev.toolgate.core.config.StarterConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "init", mixinStandardHelpOptions = true,
    description = "Write a commented starter toolgate.yaml to edit.")
final class InitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "${env:TOOLGATE_CONFIG:-toolgate.yaml}",
      description = "Where to write it (default: toolgate.yaml, or $TOOLGATE_CONFIG when it is set).")
  Path file;

  @Option(names = "--force", description = "Overwrite an existing file.")
  boolean force;

  @Override
  public Integer call() throws IOException {
    if (Files.exists(file) && !force) {
      throw new UserError(file + " already exists; pass --force to overwrite it");
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, StarterConfig.text(), StandardCharsets.UTF_8);
    spec.commandLine().getOut().println("Wrote " + file + ". Edit the tools, then: toolgate serve --config " + file);
    return 0;
  }
}
