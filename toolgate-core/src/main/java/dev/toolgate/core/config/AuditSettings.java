package dev.toolgate.core.config;

import java.time.Duration;

/** Audit writes are batched off the event loop: at most {@code batchSize} rows per write, at least every {@code flushInterval}. */
public record AuditSettings(int batchSize, Duration flushInterval) {
  public static AuditSettings defaults() {
    return new AuditSettings(500, Duration.ofMillis(200));
  }
}
