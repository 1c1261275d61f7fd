package dev.toolgate.server.store;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Pruning the audit log, the same from the admin API and the CLI.
 *
 * <p>The cutoff must be at least {@link #KEPT} ago: the last day is what an investigation under way
 * reads, and a cutoff that recent is far more likely a slip (a date typed for a time, a local time
 * read as UTC) than a retention policy. And no prune runs while audit records wait in spill files:
 * they were recorded while the store was unreachable, keep their original times, and may be older
 * than the cutoff, so a prune then would not leave what it says (nothing older than the cutoff).
 */
public final class AuditRetention {
  /** How recent a cutoff may be, at the latest. */
  public static final Duration KEPT = Duration.ofHours(24);

  private AuditRetention() {}

  /**
   * Deletes the records older than {@code before}, if the rules above allow it.
   *
   * @param spillDir the audit spill directory of the instance(s) on this host ({@code audit.spill_dir})
   * @return how many were deleted
   * @throws IllegalArgumentException if {@code before} is later than {@link #KEPT} before {@code now}
   * @throws StoreConflictException while records wait in spill files (nothing is deleted)
   */
  public static long prune(AuditLog log, Instant before, Instant now, Path spillDir) {
    Instant latest = now.minus(KEPT);
    if (before.isAfter(latest)) {
      throw new IllegalArgumentException("before must be at least 24 hours ago (at the latest " + latest
          + "): the last day of decisions is always kept");
    }
    long waiting;
    try {
      waiting = AuditSpillFiles.bytesWaiting(spillDir);
    } catch (UncheckedIOException e) {
      throw new StoreConflictException("cannot tell whether audit records wait in the spill directory (" + e.getMessage()
          + "), so nothing was deleted");
    }
    if (waiting > 0) {
      throw new StoreConflictException(waiting + " bytes of audit records wait in spill files in " + spillDir.toAbsolutePath()
          + " to be written to the store; nothing was deleted: prune once they are written (readiness shows audit \"ok\")");
    }
    return log.deleteOlderThan(before);
  }
}
