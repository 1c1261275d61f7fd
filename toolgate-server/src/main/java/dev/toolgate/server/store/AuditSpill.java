package dev.toolgate.server.store;

import dev.toolgate.core.port.AuditEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link AuditWriter}'s use of its {@link AuditSpool}: events memory cannot hold go in, batches
 * come back out oldest first, and what the spool cannot take or give back is counted as lost (and
 * as done, so a flush does not wait for it). Used by the writer's thread alone, apart from
 * {@link #bytes()}.
 */
final class AuditSpill {
  private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);

  private final AuditSpool spool;
  private final AuditLosses losses;
  private final AuditFlushes flushes;
  private volatile long bytes;
  private long replayed;

  AuditSpill(AuditSpool spool, AuditLosses losses, AuditFlushes flushes) {
    this.spool = spool;
    this.losses = losses;
    this.flushes = flushes;
    this.bytes = spool.bytes();
  }

  Path directory() {
    return spool.directory();
  }

  /** Nothing waits on disk. */
  boolean isEmpty() {
    return spool.isEmpty();
  }

  /** Bytes waiting on disk; readable from any thread. */
  long bytes() {
    return bytes;
  }

  /**
   * Appends events taken off the queue, synced to disk; what the spool cannot take is lost, and counted.
   *
   * @return whether every event is on disk
   */
  boolean spill(List<AuditEvent> events, String why) {
    // Spilled events are done once written from the spool; lost ones are done now.
    try {
      int unencodable = spool.append(events);
      if (unencodable > 0) {
        losses.add(unencodable, "audit records that cannot be written as JSON");
        flushes.done(unencodable);
      }
      bytes = spool.bytes();
      return unencodable == 0;
    } catch (IOException e) {
      losses.add(events.size(), "could not spill them (" + why + "): " + AuditSpool.describe(e));
      flushes.done(events.size());
      bytes = spool.bytes();
      return false;
    }
  }

  /** The oldest spilled events, up to {@code max}; null when there are none this time (nothing spilled, or only unreadable lines). */
  AuditBatchWriter.Batch next(int max) {
    AuditSpool.Read read;
    try {
      read = spool.read(max);
    } catch (IOException e) {
      LOG.error("cannot read audit spill file: {}; it stays on disk for the next start, and writing goes on with the rest",
          AuditSpool.describe(e));
      spool.abandonOldest();
      bytes = spool.bytes();
      return null;
    }
    if (read == null) {
      return null;
    }
    if (read.unreadable() > 0) {
      losses.add(read.unreadable(), "unreadable lines in an audit spill file");
      if (!read.earlierRun()) {
        flushes.done(read.unreadable());
      }
    }
    if (read.events().isEmpty()) {
      acknowledge(read);
      return null;
    }
    return new AuditBatchWriter.Batch(read.events(), read, read.earlierRun() ? 0 : read.events().size());
  }

  /** A batch from {@link #next} is in the store: a file wholly written is deleted. */
  void written(AuditBatchWriter.Batch batch) {
    replayed += batch.events().size();
    acknowledge(batch.spooled());
  }

  /** Releases the files; those not wholly written stay for the next start. */
  void close() {
    spool.close();
    bytes = spool.bytes();
  }

  private void acknowledge(AuditSpool.Read read) {
    try {
      spool.acknowledge(read);
    } catch (IOException e) {
      LOG.warn("could not delete a replayed audit spill file: {}", AuditSpool.describe(e));
    }
    bytes = spool.bytes();
    if (spool.isEmpty() && replayed > 0) {
      LOG.info("all {} spilled audit records are in the store; spill files deleted", replayed);
      replayed = 0;
    }
  }
}
