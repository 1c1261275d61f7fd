package dev.toolgate.server.store;

import dev.toolgate.core.config.AuditDurability;
import dev.toolgate.core.config.AuditSettings;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.AuditSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes audit events from request threads without ever blocking them, and gets every one into the
 * {@link AuditLog}, in the order recorded, whatever the store does meanwhile.
 *
 * <p>{@link #record} appends to a lock-free queue and returns. The writer thread hands batches of up
 * to {@code batch_size} events to a second thread that writes them (the only one that waits for the
 * database), as soon as a full batch is waiting and at least every {@code flush_interval}. A failed
 * write is retried with backoff (50 ms doubling to 5 s), keeping the batch. While a write fails or
 * hangs, the writer thread keeps memory bounded: beyond {@code buffer_max_events} queued, the oldest
 * queued events go to the {@link AuditSpool} on local disk, and once anything is spooled, batches
 * come from the spool first, so the order holds. Spool files left by an earlier run are written
 * first. Writing a batch twice is harmless (the store skips request ids it has).
 *
 * <p>{@link #close} stops accepting events and writes what is queued; if the store is failing, or
 * still busy when the shutdown timeout (30 s) runs out, what is left goes to the spool for the next
 * start. Events are lost only when they can be neither kept in memory nor spooled (the spool is over
 * {@code spill_max_bytes}, its disk is full or refuses the write, or its disk stalls so long that
 * the queue passes its hard bound): each loss is counted in {@link #dropped()}, logged as an ERROR
 * once a minute with the count, and makes {@link #health()} {@link AuditHealth#LOSING} for a minute.
 *
 * <p>Durable mode ({@code audit.durability: durable}): {@link #recordBeforeAnswer} returns a future
 * completed once the record is kept, for the call's answer to wait on. A batch closes when it holds
 * {@code batch_size} records or its first has waited {@code batch_delay}, at once by default (while a write runs, the next
 * batch fills: group commit), and its futures complete when its transaction is committed. While the
 * store fails, older records wait in the spool, or memory is over {@code buffer_max_events}, queued
 * records go to the spool at once and their futures complete once the spill file is synced; a batch
 * whose write fails is spilled the same way instead of retried, and so is one the store has neither
 * committed nor failed within a second (its write goes on; landing twice is harmless). A future fails only when a record
 * can be kept neither way (the losses above).
 */
public final class AuditWriter implements AuditSink, AutoCloseable {
  /** Where batches go; {@link AuditLog#appendBatch} in production (timed when metrics are on). */
  @FunctionalInterface
  public interface Target {
    void appendBatch(List<AuditEvent> events);
  }

  static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);
  /** Queued events beyond the buffer: reached only if the spool's disk stalls; beyond, events are dropped. */
  static final int HEADROOM = 100_000;
  private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
  private static final long CLOSING_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
  /** Longest park while a write is in flight or waits for its retry: the writer still watches the queue. */
  private static final long WATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final int SPILL_CHUNK = 1_000;
  /**
   * Durable mode: how long calls wait for a store that neither commits nor fails (a connection that
   * hangs, a connect timeout of 5 s) before their batch is spilled so they are answered; well within
   * the upstream timeout their answers wait at most.
   */
  static final long DURABLE_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final int batchSize;
  private final boolean durable;
  private final long batchDelayNanos;
  private final long flushIntervalNanos;
  private final long closeTimeoutNanos;
  private final int bufferMax;
  private final int hardBound;
  private final AuditSpill spill;
  private final AuditBatchWriter store;
  private final AuditLosses losses = new AuditLosses();
  /** Writer thread only. */
  private final AuditFlushes flushes = new AuditFlushes();

  /** AuditEvents and flush requests, in the order they were recorded. */
  private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
  /** Events in the queue (not flush requests). */
  private final AtomicInteger queued = new AtomicInteger();
  /** Callers inside record()/flush() right now: the writer stops only when none is, so none is left behind. */
  private final AtomicInteger callersInside = new AtomicInteger();
  private final AtomicLong written = new AtomicLong();
  private final Thread writer;

  private volatile boolean closed;
  private volatile long closeDeadlineNanos;

  /** Writes to {@code log}; spills to {@code spillDir}, and first writes what earlier runs left there. */
  public AuditWriter(AuditLog log, AuditSettings settings, Path spillDir) {
    this(log::appendBatch, settings, spillDir, DEFAULT_CLOSE_TIMEOUT);
  }

  /** Writes to {@code target}; spills to {@code spillDir}, and first writes what earlier runs left there. */
  public AuditWriter(Target target, AuditSettings settings, Path spillDir) {
    this(target, settings, spillDir, DEFAULT_CLOSE_TIMEOUT);
  }

  AuditWriter(Target target, AuditSettings settings, Path spillDir, Duration closeTimeout) {
    if (settings.batchSize() < 1) {
      throw new IllegalArgumentException("audit batch size must be at least 1, got " + settings.batchSize());
    }
    if (settings.flushInterval() == null || settings.flushInterval().isNegative() || settings.flushInterval().isZero()) {
      throw new IllegalArgumentException("audit flush interval must be positive, got " + settings.flushInterval());
    }
    if (settings.bufferMaxEvents() < 1) {
      throw new IllegalArgumentException("audit buffer_max_events must be at least 1, got " + settings.bufferMaxEvents());
    }
    if (settings.durability() == AuditDurability.DURABLE
        && (settings.batchDelay() == null || settings.batchDelay().isNegative())) {
      throw new IllegalArgumentException("audit batch delay must be zero or positive, got " + settings.batchDelay());
    }
    this.batchSize = settings.batchSize();
    this.durable = settings.durability() == AuditDurability.DURABLE;
    this.batchDelayNanos = durable ? settings.batchDelay().toNanos() : 0;
    this.flushIntervalNanos = settings.flushInterval().toNanos();
    this.closeTimeoutNanos = closeTimeout.toNanos();
    this.bufferMax = settings.bufferMaxEvents();
    this.hardBound = (int) Math.min(Integer.MAX_VALUE, (long) bufferMax + HEADROOM);
    this.spill = new AuditSpill(AuditSpool.open(spillDir, settings.spillMaxBytes()), losses, flushes);
    this.writer = new Thread(this::run, "toolgate-audit-writer");
    this.store = new AuditBatchWriter(target, () -> LockSupport.unpark(writer),
        "up to " + bufferMax + " in memory, then in " + spill.directory());
    // Daemon so a forgotten close() cannot keep the JVM alive; the server closes it on shutdown.
    this.writer.setDaemon(true);
    this.writer.start();
  }

  /**
   * Queues the event and returns at once. Never blocks, never touches the database or the disk.
   *
   * @throws IllegalArgumentException if the event has no request id or time (a bug in the caller)
   */
  @Override
  public void record(AuditEvent event) {
    queue(event, null);
  }

  /**
   * Queues the event and returns at once; the future completes once the record is kept (durable
   * mode: committed, or synced to a spill file; async mode: at once) and fails if it cannot be.
   *
   * @throws IllegalArgumentException if the event has no request id or time (a bug in the caller)
   */
  @Override
  public CompletableFuture<Void> recordBeforeAnswer(AuditEvent event) {
    CompletableFuture<Void> kept = new CompletableFuture<>();
    if (!durable) {
      queue(event, null);
      kept.complete(null);
      return kept;
    }
    if (!queue(event, kept)) {
      AuditWaiter.notKept(List.of(kept), "the audit writer is closed or its queue is full");
    }
    return kept;
  }

  /** @return whether the event was queued (if not, the loss is counted) */
  private boolean queue(AuditEvent event, CompletableFuture<Void> kept) {
    AuditLog.requireStorable(event);
    callersInside.incrementAndGet();
    try {
      if (closed) {
        losses.add(1, "recorded after the audit writer was closed");
        return false;
      }
      if (queued.get() >= hardBound) {
        losses.add(1, "the audit queue is full (" + hardBound + " events): the spill directory " + spill.directory() + " does not keep up");
        return false;
      }
      queue.offer(durable ? new AuditWaiter(event, kept, System.nanoTime()) : event);
      int n = queued.incrementAndGet();
      if (n == batchSize || n > bufferMax || (durable && n == 1)) {
        LockSupport.unpark(writer); // a full batch to write, events to spill, or (durable) a batch to time
      }
      return true;
    } finally {
      callersInside.decrementAndGet();
    }
  }

  /** Blocks until every event recorded before this call has been written (or dropped). */
  public void flush() {
    if (!flush(Duration.ofDays(1))) {
      throw new StoreException("audit flush did not finish");
    }
  }

  /**
   * Blocks until every event recorded before this call has been written, or the timeout passes.
   *
   * @return true if everything was written in time
   */
  public boolean flush(Duration timeout) {
    AuditFlushes.Request request = new AuditFlushes.Request();
    callersInside.incrementAndGet();
    try {
      if (closed) {
        return true; // close() has written or spooled everything queued before it returns
      }
      queue.offer(request);
    } finally {
      callersInside.decrementAndGet();
    }
    LockSupport.unpark(writer);
    try {
      request.done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException("audit flush failed", e.getCause());
    }
  }

  /**
   * Stops accepting events, writes everything queued and returns. If the store fails, or is still
   * busy after the shutdown timeout, what is left is spooled to disk for the next start.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (!closed) {
        closeDeadlineNanos = System.nanoTime() + closeTimeoutNanos; // written before closed, read after it
        closed = true;
      }
    }
    LockSupport.unpark(writer);
    try {
      writer.join(TimeUnit.NANOSECONDS.toMillis(closeTimeoutNanos) + 60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (losses.total() > 0) {
      LOG.error("audit writer closed; {} events written, {} lost", written.get(), losses.total());
    }
  }

  /** Events written so far. */
  public long written() {
    return written.get();
  }

  /** Events lost (neither kept in memory nor spooled, or recorded after close). */
  public long dropped() {
    return losses.total();
  }

  /** Events waiting in memory: a growing number means the store is slow or down. */
  public int backlog() {
    return queued.get();
  }

  /** Bytes of audit records waiting in spill files. */
  public long spooledBytes() {
    return spill.bytes();
  }

  /** Whether events are being written, kept in memory, spooled, or lost. */
  public AuditHealth health() {
    if (losses.lostWithin(AuditLosses.REPORT_INTERVAL)) {
      return AuditHealth.LOSING;
    }
    if (spill.bytes() > 0) {
      return AuditHealth.SPILLING;
    }
    return store.failing() ? AuditHealth.BUFFERING : AuditHealth.OK;
  }

  private void run() {
    try {
      while (true) {
        spillOverflow();
        losses.tick();
        if (store.busy()) {
          AuditBatchWriter.Batch done = store.poll();
          AuditBatchWriter.Batch failed = done == null ? store.takeGivenBack() : null;
          if (done != null) {
            written(done);
          } else if (failed != null) {
            spill(failed.events(), failed.waiting(), "writing them to the store failed");
          } else if (closed && (store.failing() || pastDeadline())) {
            stopAndSpool(store.failing() ? "the store is failing" : "the store was still busy when the shutdown timeout ran out");
            return;
          } else if (durable && (failed = store.overdue(DURABLE_PATIENCE_NANOS)) != null) {
            spill(failed.events(), failed.waiting(), "the store did not commit them within "
                + TimeUnit.NANOSECONDS.toMillis(DURABLE_PATIENCE_NANOS) + " ms");
          } else if (store.busy()) {
            long retryIn = store.nanosUntilRetry();
            LockSupport.parkNanos(this, retryIn > 0 ? Math.min(retryIn, WATCH_NANOS) : WATCH_NANOS); // a finished write unparks
          }
          continue;
        }
        if (closed && pastDeadline()) {
          stopAndSpool("the shutdown timeout ran out");
          return;
        }
        AuditBatchWriter.Batch next = nextBatch();
        if (next != null) {
          store.offer(next);
          continue;
        }
        if (!spill.isEmpty()) {
          continue; // only unreadable lines this time: go on with the rest
        }
        if (closed) {
          if (callersInside.get() == 0 && queue.isEmpty()) {
            finish();
            return;
          }
          LockSupport.parkNanos(this, CLOSING_POLL_NANOS); // a caller is mid-record: let it finish
        } else if (queue.isEmpty()) {
          LockSupport.parkNanos(this, flushIntervalNanos); // durable: record() unparks for the first record
        } else if (durable) {
          LockSupport.parkNanos(this, nanosUntilBatchCloses()); // a full batch unparks sooner
        }
      }
    } catch (Throwable unexpected) {
      LOG.error("audit writer stopped unexpectedly; {} queued events will not be written", queued.get(), unexpected);
      throw unexpected;
    }
  }

  /** The next batch, oldest first: the spill files (earlier runs, then this one), then the queue. */
  private AuditBatchWriter.Batch nextBatch() {
    if (!spill.isEmpty()) {
      return spill.next(batchSize);
    }
    if (durable && !closed && nanosUntilBatchCloses() > 0) {
      return null;
    }
    List<AuditEvent> events = new ArrayList<>(Math.min(batchSize, Math.max(16, queued.get())));
    List<CompletableFuture<Void>> waiting = durable ? new ArrayList<>(events.size()) : List.of();
    while (events.size() < batchSize) {
      Object item = queue.poll();
      if (item == null) {
        break;
      }
      take(item, events, waiting);
    }
    return events.isEmpty() ? null : new AuditBatchWriter.Batch(events, null, events.size(), waiting);
  }

  /** Durable mode: 0 if a batch is due (full, its first record waited batch_delay, or a flush waits), else how long until it is. */
  private long nanosUntilBatchCloses() {
    Object head = queue.peek();
    if (queued.get() >= batchSize || !(head instanceof AuditWaiter first)) {
      return 0;
    }
    return Math.max(0, first.queuedNanos() + batchDelayNanos - System.nanoTime());
  }

  /**
   * One item off the queue: an event into {@code into} (and, durable, the future its call waits on
   * into {@code waiting}), a flush request into the waiting flushes.
   */
  private void take(Object item, List<AuditEvent> into, List<CompletableFuture<Void>> waiting) {
    if (item instanceof AuditFlushes.Request request) {
      flushes.arrived(request);
      return;
    }
    queued.decrementAndGet();
    flushes.taken();
    if (item instanceof AuditWaiter w) {
      into.add(w.event());
      if (w.kept() != null) {
        waiting.add(w.kept());
      }
    } else {
      into.add((AuditEvent) item);
    }
  }

  /** Spills events taken off the queue; their calls may be answered once the file is synced. */
  private void spill(List<AuditEvent> events, List<CompletableFuture<Void>> waiting, String why) {
    if (spill.spill(events, why)) {
      AuditWaiter.kept(waiting);
    } else {
      AuditWaiter.notKept(waiting, "the store did not take it and it could not be spilled (" + why + ")");
    }
  }

  /** A batch is in the store. */
  private void written(AuditBatchWriter.Batch done) {
    AuditWaiter.kept(done.waiting());
    if (!done.spilledToo()) {
      written.addAndGet(done.events().size());
    }
    if (done.spooled() != null) {
      spill.written(done); // before the flushes are released: a flush that returns sees the file gone
    }
    flushes.done(done.fromQueue());
  }

  /**
   * Moves the oldest queued events beyond the memory bound to the spool, after everything spooled
   * before. Durable mode, while the store fails or older records wait in the spool: every queued
   * event, so its call is answered once the file is synced rather than when the store is back.
   */
  private void spillOverflow() {
    // (A failed store with nothing to retry gets the next batch: only a write can tell it is back.)
    int keep = durable && (!spill.isEmpty() || store.busy() && store.failing()) ? 0 : bufferMax;
    String why = keep == 0 ? "the store is failing or older records wait in the spill files"
        : "memory holds " + bufferMax + " (audit.buffer_max_events)";
    while (queued.get() > keep) {
      List<AuditEvent> chunk = new ArrayList<>(SPILL_CHUNK);
      List<CompletableFuture<Void>> waiting = durable ? new ArrayList<>() : List.of();
      while (chunk.size() < SPILL_CHUNK && queued.get() > keep) {
        Object item = queue.poll();
        if (item == null) {
          break;
        }
        take(item, chunk, waiting);
      }
      if (chunk.isEmpty()) {
        return;
      }
      spill(chunk, waiting, why);
    }
  }

  private boolean pastDeadline() {
    return closed && System.nanoTime() - closeDeadlineNanos > 0;
  }

  /** Closing with the store failing or out of time: everything not written goes to the spool for the next start. */
  private void stopAndSpool(String why) {
    while (callersInside.get() > 0) {
      LockSupport.parkNanos(this, CLOSING_POLL_NANOS); // a caller passed the closed check: take its event too
    }
    List<AuditEvent> rest = new ArrayList<>();
    List<CompletableFuture<Void>> waiting = new ArrayList<>();
    AuditBatchWriter.Batch unwritten = store.abandon();
    if (unwritten != null && unwritten.spooled() == null) {
      // Spooled after what was spooled before it: the one place the order may differ. A write still
      // in flight may land too; replaying it is then a no-op.
      rest.addAll(unwritten.events());
      waiting.addAll(unwritten.waiting());
    }
    for (Object item = queue.poll(); item != null; item = queue.poll()) {
      take(item, rest, waiting);
    }
    boolean allSpilled = true;
    for (int from = 0; from < rest.size(); from += SPILL_CHUNK) {
      allSpilled &= spill.spill(rest.subList(from, Math.min(rest.size(), from + SPILL_CHUNK)), why);
    }
    if (allSpilled) {
      AuditWaiter.kept(waiting);
    } else {
      AuditWaiter.notKept(waiting, "the store did not take it and it could not be spilled (" + why + ")");
    }
    if (!rest.isEmpty()) {
      LOG.warn("audit writer closing while {}: {} records spilled to {} for the next start", why, rest.size(), spill.directory());
    }
    finish();
  }

  private void finish() {
    flushes.releaseAll();
    store.shutdown();
    spill.close();
  }
}
