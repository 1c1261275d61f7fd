package dev.toolgate.server.store;

import dev.toolgate.core.port.UsageSink;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps last-used times of static tokens, API keys and client secrets without a write per
 * request: uses are coalesced in memory (latest time per credential) and written in one batch
 * periodically and on close. A busy token costs one row update per interval, however many
 * requests it served.
 */
public final class UsageWriter implements UsageSink, AutoCloseable {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(UsageWriter.class);

  private final CredentialStore store;
  private final ConcurrentHashMap<String, Instant> pending = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;
  private final FailureStreak failures = new FailureStreak(LOG, "writing last-used times of credentials");
  private volatile boolean closed;

  public UsageWriter(CredentialStore store) {
    this(store, DEFAULT_INTERVAL);
  }

  public UsageWriter(CredentialStore store, Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("usage write interval must be positive, got " + interval);
    }
    this.store = store;
    this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "toolgate-usage-writer");
      thread.setDaemon(true);
      return thread;
    });
    long millis = interval.toMillis();
    timer.scheduleWithFixedDelay(this::writeQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Remembers the use; never blocks on the database. Only static token, API key and client secret
   * ids are kept.
   */
  @Override
  public void used(String credentialId, Instant at) {
    if (closed || credentialId == null || at == null) {
      return;
    }
    if (credentialId.startsWith("tok_") || credentialId.startsWith("key_") || credentialId.startsWith("cs_")) {
      pending.merge(credentialId, at, (old, now) -> now.isAfter(old) ? now : old);
    }
  }

  /** Writes the pending times now (blocking). Entries stay pending if the write fails. */
  public synchronized void flush() {
    if (pending.isEmpty()) {
      return;
    }
    Map<String, Instant> batch = new HashMap<>(pending);
    store.touchLastUsed(batch);
    // Remove only what was written: a newer use recorded meanwhile stays for the next write.
    batch.forEach(pending::remove);
  }

  /**
   * Stops the timer and writes what is pending, unless the last write failed: a shutdown while the
   * store is down does not wait for it once more for times that are informational only.
   */
  @Override
  public void close() {
    closed = true;
    timer.shutdown();
    try {
      timer.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failures.failing() && !pending.isEmpty()) {
      LOG.warn("last-used times of {} credentials are not written: the store did not answer", pending.size());
      return;
    }
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.warn("could not write last-used times of {} credentials on shutdown: {}", pending.size(), e.getMessage());
    }
  }

  private void writeQuietly() {
    try {
      flush();
      failures.succeeded();
    } catch (RuntimeException e) {
      // Kept and retried next interval; last-used times are informational, not worth more noise.
      failures.failed(e);
    }
  }
}
