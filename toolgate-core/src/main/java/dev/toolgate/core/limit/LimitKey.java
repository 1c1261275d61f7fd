package dev.toolgate.core.limit;

import java.util.Arrays;
import java.util.Optional;

/** What a rate limit counts by: one bucket per distinct value of each listed key kind. */
public enum LimitKey {
  CLIENT("client"),
  USER("user"),
  IP("ip"),
  /** The tool's total: one bucket for all its calls. */
  TOOL("tool");

  private final String yamlName;

  LimitKey(String yamlName) {
    this.yamlName = yamlName;
  }

  public String yamlName() {
    return yamlName;
  }

  public static Optional<LimitKey> fromYaml(String name) {
    return Arrays.stream(values()).filter(k -> k.yamlName.equals(name)).findFirst();
  }
}
