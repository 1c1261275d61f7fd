package dev.toolgate.server.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What waits in an audit spill directory, seen from outside the {@link AuditWriter}: the files of
 * every writer that spills there (instances of this host sharing it, runs that stopped while the
 * store was down), not only this process's. Pruning the audit log asks it first, so a prune never
 * runs while records older than its cutoff may still be on their way to the store.
 */
public final class AuditSpillFiles {
  private AuditSpillFiles() {}

  /** Bytes of spill files in {@code dir}; 0 if it does not exist. */
  public static long bytesWaiting(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    long bytes = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, AuditSpoolSegment.PREFIX + "*" + AuditSpoolSegment.SUFFIX)) {
      for (Path file : files) {
        try {
          bytes += Files.size(file);
        } catch (NoSuchFileException replayedMeanwhile) {
          // written to the store and deleted since it was listed
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the audit spill directory " + dir + ": " + AuditSpool.describe(e), e);
    }
    return bytes;
  }
}
