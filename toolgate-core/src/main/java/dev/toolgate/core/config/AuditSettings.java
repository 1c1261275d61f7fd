package dev.toolgate.core.config;

import java.time.Duration;

/**
 * How audit records reach the store: written in batches off the event loop, at most
 * {@code batchSize} rows per write, at least every {@code flushInterval}; while the store cannot take
 * them, kept in memory up to {@code bufferMaxEvents} and beyond that appended to files in
 * {@code spillDir} (at most {@code spillMaxBytes} in all), replayed into the store when it is back.
 *
 * @param spillDir where records wait on disk; null means {@link #DEFAULT_SPILL_DIR} next to the
 *     configuration file (or in the working directory for settings made in code). A path read from a
 *     file is absolute (resolved against the file's directory)
 */
public record AuditSettings(int batchSize, Duration flushInterval, int bufferMaxEvents, String spillDir, long spillMaxBytes) {
  public static final int DEFAULT_BUFFER_MAX_EVENTS = 10_000;
  public static final String DEFAULT_SPILL_DIR = "audit-spill";
  public static final long DEFAULT_SPILL_MAX_BYTES = 1L << 30;

  /** Batching only; buffering and spilling take their defaults. */
  public AuditSettings(int batchSize, Duration flushInterval) {
    this(batchSize, flushInterval, DEFAULT_BUFFER_MAX_EVENTS, null, DEFAULT_SPILL_MAX_BYTES);
  }

  public static AuditSettings defaults() {
    return new AuditSettings(500, Duration.ofMillis(200));
  }

  /** The same settings with records spilled to {@code dir}, beyond {@code bufferMaxEvents} in memory. */
  public AuditSettings withSpill(int bufferMaxEvents, String dir, long maxBytes) {
    return new AuditSettings(batchSize, flushInterval, bufferMaxEvents, dir, maxBytes);
  }
}
