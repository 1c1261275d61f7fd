package dev.toolgate.core.port;

import java.util.concurrent.CompletableFuture;

/** Where decisions go. Must not block the caller: implementations queue and write in batches. */
public interface AuditSink {
  /** Queues the event; returns at once. */
  void record(AuditEvent event);

  /**
   * Queues the event; the future completes once the record is kept as the sink promises before a
   * call may be answered (for a sink that writes after the answer: at once), or fails if it cannot
   * be kept. Never blocks.
   */
  default CompletableFuture<Void> recordBeforeAnswer(AuditEvent event) {
    record(event);
    return CompletableFuture.completedFuture(null);
  }
}
