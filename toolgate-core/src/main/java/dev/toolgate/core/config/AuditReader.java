package dev.toolgate.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/** The {@code audit:} section ({@link AuditSettings}): durability and batching here, the spill keys in {@link AuditSpillReader}. */
final class AuditReader {
  static final List<String> KEYS = Stream.concat(Stream.of("durability", "batch_size", "batch_delay", "flush_interval"), AuditSpillReader.KEYS.stream()).toList();
  static final int MAX_BATCH_SIZE = 100_000;

  private AuditReader() {}

  /** {@code audit:}; its defaults when absent (or not a mapping: error recorded). */
  static AuditSettings read(YamlMap root, Problems problems, Path baseDir) {
    AuditSettings d = AuditSettings.defaults();
    YamlMap m = YamlMap.read(root.value("audit"), "audit", problems, KEYS);
    if (m == null) {
      return d;
    }
    Long batchSize = m.whole("batch_size", 1, MAX_BATCH_SIZE);
    Duration flushInterval = m.duration("flush_interval");
    AuditSettings batching = new AuditSettings(
        batchSize != null ? batchSize.intValue() : d.batchSize(),
        flushInterval != null ? flushInterval : d.flushInterval());
    AuditDurability durability = d.durability();
    String durabilityText = m.string("durability");
    if (durabilityText != null) {
      durability = AuditDurability.fromYaml(durabilityText).orElse(durability);
      if (AuditDurability.fromYaml(durabilityText).isEmpty()) {
        m.error("durability", "unknown audit durability " + Yaml.quote(durabilityText) + " (known: "
            + String.join(", ", AuditDurability.yamlNames()) + ")");
      }
    }
    Duration batchDelay = m.durationOrZero("batch_delay");
    batching = batching.withDurability(durability, batchDelay != null ? batchDelay : d.batchDelay());
    return AuditSpillReader.read(m, batching, baseDir);
  }
}
