package dev.toolgate.core.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a setting was written ({@code toolgate.yaml:12}), kept for settings that can only be
 * checked later, against the environment: their errors then point at the line to fix like the
 * loader's own.
 *
 * @param file the configuration file
 * @param line its line (1-based)
 * @param field the setting's path, e.g. {@code store.password_env}
 */
public record ConfigLocation(Path file, int line, String field) {
  public ConfigLocation {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(field, "field");
  }

  /** {@code file:line: field: problem}, as the loader reports errors. */
  public ConfigException error(String problem) {
    return new ConfigException(file, line, field, problem);
  }
}
