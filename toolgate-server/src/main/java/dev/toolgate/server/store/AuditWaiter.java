package dev.toolgate.server.store;

import dev.toolgate.core.port.AuditEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A record queued in durable mode: the event, the future its call's answer waits for (null when
 * nobody waits), and when it was queued (a batch closes {@code audit.batch_delay} after its first record).
 */
record AuditWaiter(AuditEvent event, CompletableFuture<Void> kept, long queuedNanos) {
  /** The records are kept (committed, or synced to a spill file): their calls may be answered. */
  static void kept(List<CompletableFuture<Void>> waiting) {
    for (CompletableFuture<Void> f : waiting) {
      f.complete(null);
    }
  }

  /** The records could not be kept: their calls must not be answered as if they were. */
  static void notKept(List<CompletableFuture<Void>> waiting, String why) {
    if (waiting.isEmpty()) {
      return;
    }
    StoreException failure = new StoreException("the audit record could not be kept: " + why);
    for (CompletableFuture<Void> f : waiting) {
      f.completeExceptionally(failure);
    }
  }
}
