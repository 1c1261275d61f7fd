package dev.toolgate.server.cli;

import dev.toolgate.core.config.ConfigLoader;
import dev.toolgate.core.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code -c/--config}: shared by every command that needs the configuration. */
final class ConfigOption {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "${env:TOOLGATE_CONFIG:-toolgate.yaml}",
      description = "Configuration file (default: toolgate.yaml, or $TOOLGATE_CONFIG when it is set).")
  Path file;

  GatewayConfig load() {
    return ConfigLoader.load(existing());
  }

  /** The file, which exists. */
  Path existing() {
    if (!Files.exists(file)) {
      throw UserError.usage(file + " does not exist; run `toolgate init` to write a starter configuration, or pass --config");
    }
    return file;
  }
}
