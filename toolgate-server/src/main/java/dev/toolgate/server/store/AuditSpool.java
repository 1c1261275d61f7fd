package dev.toolgate.server.store;

import dev.toolgate.core.port.AuditEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audit records waiting on local disk while the store cannot take them: append-only files of JSON
 * lines ({@link AuditJsonLine}) in one directory, read back oldest first and deleted once every
 * record in them is in the store.
 *
 * <p>Each writer appends to a file of its own ({@code audit-spill-<UTC time>-<random>.jsonl}),
 * locked while it is open, so instances sharing a directory never write into one file. On start,
 * files no running process holds (left by a stop while the store was down, or by a crash) are
 * taken over and come first, in the order of their names (their creation times). How far a file
 * was replayed is not recorded: after a restart it is replayed from its start, and the store skips
 * the records it already has (request ids are unique; {@link AuditLog#appendBatch}).
 *
 * <p>Not thread-safe: used by the {@link AuditWriter}'s thread alone.
 */
final class AuditSpool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditSpool.class);
  private static final int FIRST_READ_BYTES = 256 * 1024;

  /** What {@link #read} took from the oldest file; hand it to {@link #acknowledge} once its events are stored. */
  record Read(List<AuditEvent> events, int unreadable, boolean earlierRun, AuditSpoolSegment segment, long end) {}

  private final Path dir;
  private final long maxBytes;
  /** Oldest first; the last one may be {@link #appending}. */
  private final Deque<AuditSpoolSegment> segments = new ArrayDeque<>();
  private AuditSpoolSegment appending;
  private long bytes;

  private AuditSpool(Path dir, long maxBytes) {
    this.dir = dir.toAbsolutePath().normalize();
    this.maxBytes = maxBytes;
  }

  /** A spool in {@code dir} (created on the first append), holding at most {@code maxBytes}; takes over files left by earlier runs. */
  static AuditSpool open(Path dir, long maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("spill_max_bytes must be positive, got " + maxBytes);
    }
    AuditSpool spool = new AuditSpool(dir, maxBytes);
    spool.adoptEarlierFiles();
    return spool;
  }

  Path directory() {
    return dir;
  }

  /** Nothing waits on disk. */
  boolean isEmpty() {
    return segments.isEmpty();
  }

  /** Bytes of the files still held (records already replayed from a file being read included). */
  long bytes() {
    return bytes;
  }

  /** The file appends go to, or null. */
  Path appendingTo() {
    return appending == null ? null : appending.path;
  }

  /**
   * Appends the events after everything already spooled and syncs the file to disk.
   *
   * @return how many events could not be encoded and were left out (strings that are not valid UTF-16)
   * @throws IOException if they cannot be written (disk full, no permission, over {@code spill_max_bytes});
   *     then none of them was kept
   */
  int append(List<AuditEvent> events) throws IOException {
    List<byte[]> lines = new ArrayList<>(events.size());
    int length = 0;
    int unencodable = 0;
    for (AuditEvent event : events) {
      try {
        byte[] line = AuditJsonLine.encode(event);
        lines.add(line);
        length += line.length;
      } catch (IllegalArgumentException e) {
        unencodable++;
        LOG.error("audit record {} cannot be spilled: {}", event.requestId(), e.getMessage());
      }
    }
    if (lines.isEmpty()) {
      return unencodable;
    }
    if (bytes + length > maxBytes) {
      throw new IOException("the spill files would exceed audit.spill_max_bytes (" + maxBytes + " bytes; " + bytes + " in use)");
    }
    if (appending == null) {
      appending = create();
    }
    ByteBuffer buffer = ByteBuffer.allocate(length);
    lines.forEach(buffer::put);
    buffer.flip();
    AuditSpoolSegment s = appending;
    try {
      long position = s.size;
      while (buffer.hasRemaining()) {
        position += s.channel.write(buffer, position);
      }
      s.channel.force(false); // a record reported spilled survives a crash of the process or the machine
    } catch (IOException e) {
      undoPartialAppend(s);
      throw e;
    }
    s.size += length;
    bytes += length;
    return unencodable;
  }

  /**
   * Up to {@code max} events from the oldest file, from where the last acknowledged read ended.
   * Lines that are not events (torn by a crash, edited) are skipped and counted.
   *
   * @return null when nothing is spooled
   * @throws IOException if the oldest file cannot be read; see {@link #abandonOldest}
   */
  Read read(int max) throws IOException {
    AuditSpoolSegment s = segments.peekFirst();
    if (s == null) {
      return null;
    }
    long remaining = s.size - s.acknowledged;
    if (remaining <= 0) {
      return new Read(List.of(), 0, s.earlierRun, s, s.size); // emptied by a failed append: acknowledging deletes it
    }
    int want = (int) Math.min(remaining, FIRST_READ_BYTES);
    while (true) {
      ByteBuffer buffer = ByteBuffer.allocate(want);
      long position = s.acknowledged;
      while (buffer.hasRemaining()) {
        int n = s.channel.read(buffer, position + buffer.position());
        if (n < 0) {
          throw new IOException("spill file " + s.path + " is shorter than expected");
        }
      }
      byte[] data = buffer.array();
      List<AuditEvent> events = new ArrayList<>();
      int unreadable = 0;
      int start = 0;
      for (int i = 0; i < want && events.size() < max; i++) {
        if (data[i] == '\n') {
          try {
            events.add(AuditJsonLine.decode(data, start, i - start));
          } catch (IllegalArgumentException e) {
            unreadable++;
          }
          start = i + 1;
        }
      }
      if (start > 0) {
        report(s, unreadable);
        return new Read(events, unreadable, s.earlierRun, s, s.acknowledged + start);
      }
      if (want < remaining) {
        want = (int) Math.min(remaining, Math.min((long) want * 2, Integer.MAX_VALUE - 16));
        continue; // one line longer than what was read: read more
      }
      // The file ends without a newline: the last append was torn (a crash, or a failed write).
      report(s, 1);
      return new Read(List.of(), 1, s.earlierRun, s, s.size);
    }
  }

  /** The events of {@code read} are in the store: a file wholly replayed is deleted. */
  void acknowledge(Read read) throws IOException {
    AuditSpoolSegment s = read.segment();
    if (s != segments.peekFirst()) {
      throw new IllegalStateException("acknowledging a read of " + s.path + ", which is not the oldest spill file");
    }
    s.acknowledged = read.end();
    if (s.acknowledged >= s.size) {
      segments.removeFirst();
      if (s == appending) {
        appending = null;
      }
      s.release();
      bytes -= s.size;
      Files.deleteIfExists(s.path);
    }
  }

  /** Stops reading the oldest file after a read failure; it stays on disk and is taken over again at the next start. */
  void abandonOldest() {
    AuditSpoolSegment s = segments.pollFirst();
    if (s == null) {
      return;
    }
    if (s == appending) {
      appending = null;
    }
    s.release();
    bytes -= s.size;
  }

  /** Releases every file: deletes those wholly replayed, leaves the others for the next start. */
  @Override
  public void close() {
    long left = 0;
    List<Path> kept = new ArrayList<>();
    for (AuditSpoolSegment s : segments) {
      s.release();
      if (s.acknowledged >= s.size) {
        try {
          Files.deleteIfExists(s.path);
        } catch (IOException e) {
          LOG.warn("could not delete replayed spill file {}: {}", s.path, e.getMessage());
        }
      } else {
        left += s.size - s.acknowledged;
        kept.add(s.path);
      }
    }
    segments.clear();
    appending = null;
    bytes = 0;
    if (!kept.isEmpty()) {
      LOG.warn("{} bytes of audit records are still in spill files {}; they are written to the store at the next start", left, kept);
    }
  }

  private void adoptEarlierFiles() {
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, AuditSpoolSegment.PREFIX + "*" + AuditSpoolSegment.SUFFIX)) {
      files.forEach(found::add);
    } catch (IOException e) {
      LOG.error("cannot list the audit spill directory {}: {}; records spilled by an earlier run stay there", dir, describe(e));
      return;
    }
    found.sort(null); // names start with their creation time
    long adopted = 0;
    for (Path path : found) {
      AuditSpoolSegment s = AuditSpoolSegment.adopt(path);
      if (s != null) {
        segments.addLast(s);
        bytes += s.size;
        adopted += s.size;
      }
    }
    if (!segments.isEmpty()) {
      LOG.info("found {} audit spill file(s) from an earlier run ({} bytes) in {}; writing them to the store", segments.size(), adopted, dir);
    }
  }

  private AuditSpoolSegment create() throws IOException {
    AuditSpoolSegment s = AuditSpoolSegment.create(dir);
    segments.addLast(s);
    LOG.warn("spilling audit records to {} until the store takes them", s.path);
    return s;
  }

  /** Cuts a failed append off; if even that fails, no more appends go to that file and its torn end is skipped when read. */
  private void undoPartialAppend(AuditSpoolSegment s) {
    try {
      s.channel.truncate(s.size);
    } catch (IOException e) {
      appending = null; // no more appends to it: its torn end is skipped when it is read
      try {
        long actual = s.channel.size();
        bytes += actual - s.size;
        s.size = actual;
      } catch (IOException ignored) {
        // the size stays what was last written whole; reading stops there
      }
    }
  }

  /** An I/O failure in words: some carry only a path as their message (FileAlreadyExistsException: /x). */
  static String describe(IOException e) {
    String type = e.getClass().getSimpleName();
    return e.getMessage() == null ? type : type.equals("IOException") ? e.getMessage() : type + ": " + e.getMessage();
  }

  private static void report(AuditSpoolSegment s, int unreadable) {
    if (unreadable > 0) {
      LOG.error("skipped {} unreadable line(s) of audit spill file {} (torn by a crash, or edited): those records are lost", unreadable, s.path);
    }
  }
}
