package dev.toolgate.core.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** When a call's answer may leave: after its audit record is kept on disk, or at once ({@code audit.durability}). */
public enum AuditDurability {
  /** The answer waits until the record is committed to the store (or synced to a spill file while the store cannot take it). */
  DURABLE,
  /** The answer leaves at once; the record is written after it, in the next batch. */
  ASYNC;

  /** As written in {@code toolgate.yaml}: {@code durable}, {@code async}. */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Optional<AuditDurability> fromYaml(String text) {
    return Arrays.stream(values()).filter(v -> v.yamlName().equals(text)).findFirst();
  }

  static List<String> yamlNames() {
    return Arrays.stream(values()).map(AuditDurability::yamlName).toList();
  }
}
