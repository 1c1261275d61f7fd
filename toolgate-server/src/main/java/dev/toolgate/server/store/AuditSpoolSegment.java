package dev.toolgate.server.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One spill file of an {@link AuditSpool}, open and locked while the spool holds it, and how much of
 * it is known to be in the store ({@code acknowledged}) and written ({@code size}).
 */
final class AuditSpoolSegment {
  static final String PREFIX = "audit-spill-";
  static final String SUFFIX = ".jsonl";
  private static final Logger LOG = LoggerFactory.getLogger(AuditSpool.class);
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Files a spool of this JVM holds: file locks are per process, so they cannot tell two spools of one JVM apart. */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
  private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");

  final Path path;
  final FileChannel channel;
  final boolean earlierRun;
  long acknowledged;
  long size;
  private final FileLock lock;

  private AuditSpoolSegment(Path path, FileChannel channel, FileLock lock, boolean earlierRun, long size) {
    this.path = path;
    this.channel = channel;
    this.lock = lock;
    this.earlierRun = earlierRun;
    this.size = size;
  }

  /**
   * A new, empty file in {@code dir} (created if missing), named after the time (so names sort by
   * age). Records name clients, addresses and users: the file is its owner's alone ({@code 0600}),
   * and so is a directory made here ({@code 0700}; an existing one keeps its permissions).
   */
  static AuditSpoolSegment create(Path dir) throws IOException {
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY)} : new FileAttribute<?>[0]);
    }
    byte[] random = new byte[4];
    RANDOM.nextBytes(random);
    Path path = dir.resolve(PREFIX + STAMP.format(Instant.now()) + "-" + HexFormat.of().formatHex(random) + SUFFIX);
    HELD.add(path);
    FileChannel channel = null;
    try {
      channel = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE),
          posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)} : new FileAttribute<?>[0]);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw new IOException("cannot lock new spill file " + path);
      }
      return new AuditSpoolSegment(path, channel, lock, false, 0);
    } catch (IOException | RuntimeException e) {
      HELD.remove(path);
      closeQuietly(channel);
      throw e;
    }
  }

  /** A file left by an earlier run, locked; null if another spool holds it, or it is empty (then deleted). */
  static AuditSpoolSegment adopt(Path path) {
    Path key = path.toAbsolutePath().normalize();
    if (!HELD.add(key)) {
      return null; // held by another writer of this JVM
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(key, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        HELD.remove(key);
        return null; // a running process is spilling into it
      }
      long size = channel.size();
      if (size == 0) {
        lock.release();
        channel.close();
        HELD.remove(key);
        Files.deleteIfExists(key);
        return null;
      }
      return new AuditSpoolSegment(key, channel, lock, true, size);
    } catch (NoSuchFileException e) {
      HELD.remove(key); // written and deleted by another instance meanwhile
      closeQuietly(channel);
      return null;
    } catch (IOException e) {
      HELD.remove(key);
      closeQuietly(channel);
      LOG.error("cannot open audit spill file {}: {}; its records stay there", path, AuditSpool.describe(e));
      return null;
    }
  }

  /** Unlocks and closes the file (it stays on disk). */
  void release() {
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel releases it too
    }
    closeQuietly(channel);
    HELD.remove(path);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing left to do with it
      }
    }
  }
}
