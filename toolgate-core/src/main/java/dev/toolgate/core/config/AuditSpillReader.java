package dev.toolgate.core.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code audit} keys that say where records wait while the store is unreachable:
 * {@code buffer_max_events} (in memory), {@code spill_dir} and {@code spill_max_bytes} (on disk).
 */
final class AuditSpillReader {
  static final List<String> KEYS = List.of("buffer_max_events", "spill_dir", "spill_max_bytes");
  static final long MAX_BUFFER_EVENTS = 10_000_000;

  private AuditSpillReader() {}

  /** {@code batching} with the spill keys of {@code m} applied; relative paths resolved against {@code baseDir}. */
  static AuditSettings read(YamlMap m, AuditSettings batching, Path baseDir) {
    Long buffer = m.whole("buffer_max_events", 1, MAX_BUFFER_EVENTS);
    Long maxBytes = m.size("spill_max_bytes");
    String dir = m.nonEmpty("spill_dir");
    if (dir != null) {
      try {
        Path p = Path.of(dir);
        dir = p.isAbsolute() ? dir : baseDir.resolve(p).normalize().toString();
      } catch (InvalidPathException e) {
        m.error("spill_dir", "invalid directory path: " + e.getReason());
      }
    }
    return batching.withSpill(
        buffer != null ? buffer.intValue() : batching.bufferMaxEvents(),
        dir != null ? dir : batching.spillDir(),
        maxBytes != null ? maxBytes : batching.spillMaxBytes());
  }
}
