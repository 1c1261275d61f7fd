package dev.toolgate.server.store;

import dev.toolgate.core.config.AuditSettings;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.AuditSink;
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
 * Takes audit events from request threads without ever blocking them, and writes them to the
 * {@link AuditLog} in batches from one background thread.
 *
 * <p>{@link #record} appends to a lock-free queue and returns. The writer thread writes whatever
 * is queued, up to {@code batchSize} events per transaction, as soon as a full batch is waiting and
 * at least every {@code flushInterval}. A failed write is retried with backoff, keeping the batch,
 * so a store outage delays events instead of losing them. {@link #close} stops accepting events,
 * writes everything queued and then returns: a clean shutdown loses nothing. Only two things drop
 * events, both counted in {@link #dropped()} and logged: a backlog beyond the capacity (a long
 * outage must not exhaust the heap) and a store still failing when the shutdown timeout runs out.
 */
public final class AuditWriter implements AuditSink, AutoCloseable {
  /** Where batches go; {@link AuditLog#appendBatch} in production, a stand-in in tests. */
  @FunctionalInterface
  interface Target {
    void appendBatch(List<AuditEvent> events);
  }

  /** A {@link #flush()} call waiting in the queue behind the events recorded before it. */
  private static final class FlushRequest {
    final CompletableFuture<Void> done = new CompletableFuture<>();
  }

  static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);
  static final int DEFAULT_CAPACITY = 100_000;

  private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
  private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final long CLOSING_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

  private final Target target;
  private final int batchSize;
  private final long flushIntervalNanos;
  private final long closeTimeoutNanos;
  private final int capacity;

  /** AuditEvents and FlushRequests, in the order they were recorded. */
  private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();

  /** Events in the queue (not flush requests): wakes the writer at a full batch, enforces capacity. */
  private final AtomicInteger queued = new AtomicInteger();

  /**
   * Callers inside record()/flush() right now. The writer exits only when closed, this is zero and
   * the queue is empty, so an event that passed the closed check is never left behind.
   */
  private final AtomicInteger callersInside = new AtomicInteger();

  private final AtomicLong written = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;

  private volatile boolean closed;
  private volatile long closeDeadlineNanos;

  public AuditWriter(AuditLog log, AuditSettings settings) {
    this(log::appendBatch, settings, DEFAULT_CLOSE_TIMEOUT, DEFAULT_CAPACITY);
  }

  AuditWriter(Target target, AuditSettings settings, Duration closeTimeout, int capacity) {
    if (settings.batchSize() < 1) {
      throw new IllegalArgumentException("audit batch size must be at least 1, got " + settings.batchSize());
    }
    if (settings.flushInterval() == null || settings.flushInterval().isNegative() || settings.flushInterval().isZero()) {
      throw new IllegalArgumentException("audit flush interval must be positive, got " + settings.flushInterval());
    }
    this.target = target;
    this.batchSize = settings.batchSize();
    this.flushIntervalNanos = settings.flushInterval().toNanos();
    this.closeTimeoutNanos = closeTimeout.toNanos();
    this.capacity = capacity;
    this.writer = new Thread(this::run, "toolgate-audit-writer");
    // Daemon so a forgotten close() cannot keep the JVM alive; the server closes it on shutdown.
    this.writer.setDaemon(true);
    this.writer.start();
  }

  /**
   * Queues the event and returns at once. Never blocks and never touches the database.
   *
   * @throws IllegalArgumentException if the event has no request id or time (a bug in the caller;
   *     refused here rather than failing a whole batch later)
   */
  @Override
  public void record(AuditEvent event) {
    AuditLog.requireStorable(event);
    callersInside.incrementAndGet();
    try {
      if (closed) {
        drop(1, "recorded after the audit writer was closed");
        return;
      }
      if (queued.get() >= capacity) {
        drop(1, "audit backlog is full (" + capacity + " events); is the store down?");
        return;
      }
      queue.offer(event);
      if (queued.incrementAndGet() == batchSize) {
        LockSupport.unpark(writer); // a full batch is waiting: do not wait for the interval
      }
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
    FlushRequest request = new FlushRequest();
    callersInside.incrementAndGet();
    try {
      if (closed) {
        return true; // close() writes everything queued before it returns
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
   * Stops accepting events, writes everything queued, and returns when done. If the store keeps
   * failing, gives up after the shutdown timeout (30 s) and logs how many events were lost.
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
    if (dropped.get() > 0) {
      LOG.error("audit writer closed; {} events written, {} lost", written.get(), dropped.get());
    }
  }

  /** Events written so far. */
  public long written() {
    return written.get();
  }

  /** Events lost (backlog over capacity, recorded after close, store failing past the shutdown timeout). */
  public long dropped() {
    return dropped.get();
  }

  /** Events waiting to be written: a growing number means the store is slow or down. */
  public int backlog() {
    return queued.get();
  }

  private void run() {
    List<AuditEvent> batch = new ArrayList<>(batchSize);
    List<FlushRequest> flushes = new ArrayList<>();
    try {
      while (true) {
        takeBatch(batch, flushes);
        if (!batch.isEmpty()) {
          writeWithRetry(batch);
          batch.clear();
        }
        flushes.forEach(request -> request.done.complete(null));
        flushes.clear();
        if (!queue.isEmpty()) {
          continue;
        }
        if (closed) {
          if (callersInside.get() == 0 && queue.isEmpty()) {
            return;
          }
          LockSupport.parkNanos(this, CLOSING_POLL_NANOS); // a caller is mid-record: let it finish
        } else {
          LockSupport.parkNanos(this, flushIntervalNanos);
        }
      }
    } catch (Throwable unexpected) {
      LOG.error("audit writer stopped unexpectedly; {} queued events will not be written", queued.get(), unexpected);
      throw unexpected;
    }
  }

  /** Takes up to batchSize events; stops at a flush request so it completes after the events before it. */
  private void takeBatch(List<AuditEvent> batch, List<FlushRequest> flushes) {
    while (batch.size() < batchSize) {
      Object item = queue.poll();
      if (item == null) {
        return;
      }
      if (item instanceof FlushRequest) {
        flushes.add((FlushRequest) item);
        return;
      }
      queued.decrementAndGet();
      batch.add((AuditEvent) item);
    }
  }

  private void writeWithRetry(List<AuditEvent> batch) {
    long backoff = MIN_BACKOFF_NANOS;
    for (int attempt = 1; ; attempt++) {
      if (closed && System.nanoTime() - closeDeadlineNanos > 0) {
        drop(batch.size(), "the store was still failing when the shutdown timeout ran out");
        return;
      }
      try {
        target.appendBatch(batch);
        written.addAndGet(batch.size());
        if (attempt > 1) {
          LOG.info("wrote {} audit events after {} attempts", batch.size(), attempt);
        }
        return;
      } catch (RuntimeException e) {
        // The message names the operation and database; events carry no secrets by contract.
        LOG.warn("writing {} audit events failed (attempt {}), retrying in {} ms: {}",
            batch.size(), attempt, TimeUnit.NANOSECONDS.toMillis(backoff), e.getMessage());
        LOG.debug("audit write failure", e);
        pause(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
      }
    }
  }

  /** Sleeps for the backoff, cut short by the shutdown deadline once closing. */
  private void pause(long nanos) {
    long end = System.nanoTime() + nanos;
    while (true) {
      long until = closed && closeDeadlineNanos - end < 0 ? closeDeadlineNanos : end;
      long remaining = until - System.nanoTime();
      if (remaining <= 0) {
        return;
      }
      LockSupport.parkNanos(this, remaining);
    }
  }

  private void drop(int count, String reason) {
    long before = dropped.getAndAdd(count);
    // First loss, then every 10,000th: loud enough to notice, not a log flood during an outage.
    if (before == 0 || before / 10_000 != (before + count) / 10_000) {
      LOG.error("dropped {} audit event(s), {} in total: {}", count, before + count, reason);
    }
  }
}
