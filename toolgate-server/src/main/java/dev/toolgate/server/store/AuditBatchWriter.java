package dev.toolgate.server.store;

import dev.toolgate.core.port.AuditEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one batch at a time to the store, on a thread of its own (the only one that waits for the
 * database), and retries a failed batch with backoff (50 ms doubling to 5 s) until it is written. The
 * {@link AuditWriter}'s thread drives it without ever blocking: it offers a batch, looks at it now
 * and then ({@link #poll}), and meanwhile keeps its queue within bounds.
 *
 * <p>One WARN when writes start failing and one INFO when they succeed again, whatever the number of
 * attempts in between. Not thread-safe apart from the completion callback: used by the writer's thread.
 */
final class AuditBatchWriter {
  /**
   * A batch: from the queue, or from the spool ({@code spooled} says where, to acknowledge it).
   * {@code waiting}: the futures of calls whose answer waits for this batch (durable mode), empty when none.
   * {@code spilledToo}: its events were spilled as well while its write went on (see {@link #overdue}):
   * the spilled copy counts them, as written and for the flushes, when it is replayed.
   */
  record Batch(List<AuditEvent> events, AuditSpool.Read spooled, int fromQueue, List<CompletableFuture<Void>> waiting, boolean spilledToo) {
    Batch(List<AuditEvent> events, AuditSpool.Read spooled, int fromQueue, List<CompletableFuture<Void>> waiting) {
      this(events, spooled, fromQueue, waiting, false);
    }

    Batch(List<AuditEvent> events, AuditSpool.Read spooled, int fromQueue) {
      this(events, spooled, fromQueue, List.of());
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
  private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final AuditWriter.Target target;
  private final Runnable wake;
  private final String keptWhere;
  private final ExecutorService thread;

  private Batch pending;
  /** A batch calls wait for, whose write failed: given back at once instead of retried (see {@link #poll}). */
  private Batch givenBack;
  private CompletableFuture<Void> inFlight;
  /** When the pending batch was offered. */
  private long offeredNanos;
  private long retryAtNanos;
  private long backoffNanos = MIN_BACKOFF_NANOS;
  private int failedAttempts;
  private long outageStartNanos;
  private volatile boolean failing;

  /**
   * @param wake called (on the store thread) when a write finishes
   * @param keptWhere where records wait meanwhile, for the log
   */
  AuditBatchWriter(AuditWriter.Target target, Runnable wake, String keptWhere) {
    this.target = target;
    this.wake = wake;
    this.keptWhere = keptWhere;
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "toolgate-audit-store");
      t.setDaemon(true);
      return t;
    });
  }

  /** A batch is being written or waits for its retry: offer nothing else until {@link #poll} returns it. */
  boolean busy() {
    return pending != null;
  }

  /** Whether the last write failed (until one succeeds). */
  boolean failing() {
    return failing;
  }

  /** Starts writing {@code batch}. */
  void offer(Batch batch) {
    if (pending != null) {
      throw new IllegalStateException("a batch is already being written");
    }
    pending = batch;
    offeredNanos = System.nanoTime();
    submit();
  }

  /**
   * The pending batch's calls, once they have waited {@code patienceNanos} for the store: returns
   * the batch with them (for the writer to spill, so they are answered) and keeps writing its events
   * without them (landing twice is harmless). Null when no call has waited that long.
   */
  Batch overdue(long patienceNanos) {
    if (pending == null || pending.waiting().isEmpty() || System.nanoTime() - offeredNanos < patienceNanos) {
      return null;
    }
    Batch withCalls = pending;
    // The spilled copy counts for the flushes and as written when it is replayed: this one must not count twice.
    pending = new Batch(withCalls.events(), withCalls.spooled(), 0, List.of(), true);
    return withCalls;
  }

  /**
   * Looks at the batch: returns it once written; otherwise notes a failure (retry after the
   * backoff, or, for a batch calls wait for, give it back: see {@link #takeGivenBack}) or starts the
   * retry that is due, and returns null.
   */
  Batch poll() {
    if (pending == null) {
      return null;
    }
    if (inFlight == null) {
      if (System.nanoTime() - retryAtNanos >= 0) {
        submit();
      }
      return null;
    }
    if (!inFlight.isDone()) {
      return null;
    }
    Throwable failure = null;
    try {
      inFlight.join();
    } catch (RuntimeException e) {
      failure = e.getCause() != null ? e.getCause() : e;
    }
    inFlight = null;
    long now = System.nanoTime();
    if (failure != null) {
      if (failedAttempts++ == 0) {
        outageStartNanos = now;
        // The message names the operation and database; events carry no secrets by contract.
        LOG.warn("writing audit records failed; keeping them ({}) and retrying: {}", keptWhere, failure.getMessage());
      } else {
        LOG.debug("audit write attempt {} failed: {}", failedAttempts, failure.getMessage());
      }
      failing = true;
      if (!pending.waiting().isEmpty()) {
        // Its calls wait: they must not wait out a backoff. The writer spills the batch at once.
        givenBack = pending;
        pending = null;
        return null;
      }
      retryAtNanos = now + backoffNanos;
      backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
      return null;
    }
    if (failedAttempts > 0) {
      LOG.info("audit records are written to the store again, after {} ms and {} failed attempts",
          TimeUnit.NANOSECONDS.toMillis(now - outageStartNanos), failedAttempts);
    }
    failedAttempts = 0;
    backoffNanos = MIN_BACKOFF_NANOS;
    failing = false;
    Batch done = pending;
    pending = null;
    return done;
  }

  /** The batch whose write failed while calls wait for it, once (then null). */
  Batch takeGivenBack() {
    Batch batch = givenBack;
    givenBack = null;
    return batch;
  }

  /** Nanoseconds until the retry is due (0 if a write is in flight or nothing waits). */
  long nanosUntilRetry() {
    return pending == null || inFlight != null ? 0 : Math.max(0, retryAtNanos - System.nanoTime());
  }

  /** Whether a write is running on the store thread now. */
  boolean writing() {
    return inFlight != null && !inFlight.isDone();
  }

  /**
   * Gives the batch up (closing): returns it, or null. A write still running may land too; writing
   * its events again later is then a no-op.
   */
  Batch abandon() {
    Batch batch = pending;
    pending = null;
    inFlight = null;
    return batch;
  }

  /** Stops the store thread, interrupting a write that still runs. */
  void shutdown() {
    thread.shutdownNow();
  }

  private void submit() {
    List<AuditEvent> events = pending.events();
    inFlight = CompletableFuture.runAsync(() -> target.appendBatch(events), thread);
    inFlight.whenComplete((ok, failure) -> wake.run());
  }
}
