package dev.toolgate.server.store;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts audit records lost for good and says so loudly, but not once per record: the first loss
 * at once, then at most one ERROR a minute with the count since the last one (a disk that stays
 * full must not also flood the log). {@link #tick} logs what a quiet minute left unsaid.
 */
final class AuditLosses {
  static final Duration REPORT_INTERVAL = Duration.ofMinutes(1);
  private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
  private static final long INTERVAL_NANOS = REPORT_INTERVAL.toNanos();

  private long total;
  private long unreported;
  private String lastReason;
  private long lastReportNanos;
  private volatile long lastLossNanos;
  private boolean any;

  /** Records {@code count} lost records. */
  synchronized void add(long count, String reason) {
    long now = System.nanoTime();
    total += count;
    unreported += count;
    lastReason = reason;
    lastLossNanos = now;
    if (!any || now - lastReportNanos >= INTERVAL_NANOS) {
      report(now);
    }
    any = true;
  }

  /** Logs the losses not yet reported once a minute has passed since the last report. */
  synchronized void tick() {
    long now = System.nanoTime();
    if (unreported > 0 && now - lastReportNanos >= INTERVAL_NANOS) {
      report(now);
    }
  }

  /** Records lost since start. */
  synchronized long total() {
    return total;
  }

  /** Whether a record was lost within the last {@code window}. */
  boolean lostWithin(Duration window) {
    return total() > 0 && System.nanoTime() - lastLossNanos < window.toNanos();
  }

  private void report(long now) {
    long seconds = any ? TimeUnit.NANOSECONDS.toSeconds(now - lastReportNanos) : 0;
    LOG.error("LOST {} audit record(s){} ({} since start): {}", unreported, any ? " in the last " + seconds + " s" : "", total, lastReason);
    unreported = 0;
    lastReportNanos = now;
  }
}
