package dev.toolgate.core.config;

import java.time.Duration;

/**
 * How audit records reach the store: written in batches off the event loop, at most
 * {@code batchSize} rows per write; while the store cannot take them, kept in memory up to
 * {@code bufferMaxEvents} and beyond that appended to files in {@code spillDir} (at most
 * {@code spillMaxBytes} in all), replayed into the store when it is back.
 *
 * <p>{@link AuditDurability#DURABLE}: a call is answered once its record is kept; a batch closes when
 * it holds {@code batchSize} records or its first record has waited {@code batchDelay}, so concurrent
 * calls share one commit. {@link AuditDurability#ASYNC}: a call is answered at once and its record
 * written within {@code flushInterval}.
 *
 * @param spillDir where records wait on disk; null means {@link #DEFAULT_SPILL_DIR} next to the
 *     configuration file (or in the working directory for settings made in code). A path read from a
 *     file is absolute (resolved against the file's directory)
 */
public record AuditSettings(int batchSize, Duration flushInterval, int bufferMaxEvents, String spillDir, long spillMaxBytes,
    AuditDurability durability, Duration batchDelay) {
  public static final int DEFAULT_BUFFER_MAX_EVENTS = 10_000;
  public static final String DEFAULT_SPILL_DIR = "audit-spill";
  public static final long DEFAULT_SPILL_MAX_BYTES = 1L << 30;
  /**
   * None: a batch closes as soon as the writer is free, and under load the next one fills while a
   * commit runs. A fixed wait only adds latency while commits (an fsync each) are this slow: 2 ms
   * halved a signed call's throughput on SQLite (docs/benchmarks.md, audit durability).
   */
  public static final Duration DEFAULT_BATCH_DELAY = Duration.ZERO;

  /** Asynchronous (records written after the answer), batching as given; buffering and spilling take their defaults. */
  public AuditSettings(int batchSize, Duration flushInterval) {
    this(batchSize, flushInterval, DEFAULT_BUFFER_MAX_EVENTS, null, DEFAULT_SPILL_MAX_BYTES);
  }

  /** Asynchronous (records written after the answer). */
  public AuditSettings(int batchSize, Duration flushInterval, int bufferMaxEvents, String spillDir, long spillMaxBytes) {
    this(batchSize, flushInterval, bufferMaxEvents, spillDir, spillMaxBytes, AuditDurability.ASYNC, DEFAULT_BATCH_DELAY);
  }

  /** What a configuration file without an {@code audit:} section gets: durable. */
  public static AuditSettings defaults() {
    return new AuditSettings(500, Duration.ofMillis(200)).withDurability(AuditDurability.DURABLE, DEFAULT_BATCH_DELAY);
  }

  /** The same settings with records spilled to {@code dir}, beyond {@code bufferMaxEvents} in memory. */
  public AuditSettings withSpill(int bufferMaxEvents, String dir, long maxBytes) {
    return new AuditSettings(batchSize, flushInterval, bufferMaxEvents, dir, maxBytes, durability, batchDelay);
  }

  /** The same settings, answering calls as {@code durability} says, batches closing after {@code batchDelay}. */
  public AuditSettings withDurability(AuditDurability durability, Duration batchDelay) {
    return new AuditSettings(batchSize, flushInterval, bufferMaxEvents, spillDir, spillMaxBytes, durability, batchDelay);
  }
}
