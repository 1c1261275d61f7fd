package dev.toolgate.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/** The {@code audit:} section ({@link AuditSettings}): batching here, the spill keys in {@link AuditSpillReader}. */
final class AuditReader {
  static final List<String> KEYS = Stream.concat(Stream.of("batch_size", "flush_interval"), AuditSpillReader.KEYS.stream()).toList();
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
    return AuditSpillReader.read(m, batching, baseDir);
  }
}
