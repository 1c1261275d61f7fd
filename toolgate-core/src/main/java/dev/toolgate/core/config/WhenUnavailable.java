package dev.toolgate.core.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a check backed by Redis does while Redis cannot answer (down, or slower than
 * {@code redis.timeout}): let the call through, or refuse it.
 */
public enum WhenUnavailable {
  /** The call passes this check (fail open). */
  ALLOW,
  /** The call is refused (fail closed). */
  REFUSE;

  /** As written in {@code toolgate.yaml}: {@code allow}, {@code refuse}. */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<WhenUnavailable> fromYaml(String text) {
    return Arrays.stream(values()).filter(v -> v.yamlName().equals(text)).findFirst();
  }

  static List<String> yamlNames() {
    return Arrays.stream(values()).map(WhenUnavailable::yamlName).toList();
  }
}
