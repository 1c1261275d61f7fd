package dev.toolgate.server.observe;

import dev.toolgate.core.config.AccessLogSettings;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per completed call, written by a thread of its own: the event loop only offers the
 * {@link CallRecord} to a bounded queue. When the queue is full (the disk or the reader of standard
 * output does not keep up), the line is dropped and counted ({@link #dropped()}, the metric
 * {@code toolgate_access_log_lines_dropped_total}), never waited for.
 */
public final class AccessLog implements CallObserver, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
  private static final int BATCH = 512;
  /** How long the writer sleeps when it finds nothing to write: lines reach the file within about this. */
  private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  private static final long CLOSE_TIMEOUT_MILLIS = 5_000;

  private final ArrayBlockingQueue<CallRecord> queue;
  private final AccessLogLines lines;
  private final OutputStream out;
  private final boolean ownsOut;
  private final String destination;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final Thread writer;
  private volatile boolean closed;
  private boolean writeFailureLogged;

  private AccessLog(AccessLogSettings settings, OutputStream out, boolean ownsOut, String destination) {
    this.queue = new ArrayBlockingQueue<>(settings.queueLines());
    this.lines = new AccessLogLines(settings.format());
    this.out = new BufferedOutputStream(out, 64 * 1024);
    this.ownsOut = ownsOut;
    this.destination = destination;
    this.writer = new Thread(this::run, "toolgate-access-log");
    this.writer.setDaemon(true); // a forgotten close() must not keep the JVM alive; the server closes it
    this.writer.start();
  }

  /**
   * Opens the access log its settings describe: the file (created if missing with mode 0640,
   * appended to; its directory must exist) or standard output.
   *
   * @throws IllegalStateException when the file cannot be opened for appending
   */
  public static AccessLog open(AccessLogSettings settings) {
    if (settings.path() == null) {
      return new AccessLog(settings, System.out, false, "standard output");
    }
    Path file = settings.path();
    try {
      if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        // Client ids, addresses and paths: readable by the owner and a log shipper's group, not by everyone.
        try {
          Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----")));
        } catch (java.nio.file.FileAlreadyExistsException raced) {
          // created meanwhile (another instance): appended to as it is
        } catch (UnsupportedOperationException notPosix) {
          // not a POSIX file system: created below with its defaults
        }
      }
      OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
      return new AccessLog(settings, out, true, file.toString());
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalStateException("access_log.path: cannot open " + file + " for appending: " + describe(e), e);
    }
  }

  @Override
  public void completed(CallRecord call) {
    if (closed || !queue.offer(call)) {
      dropped.incrementAndGet();
    }
  }

  /** Lines dropped because the queue was full (or the log closed). */
  public long dropped() {
    return dropped.get();
  }

  /** Lines waiting for the writer. */
  public int queued() {
    return queue.size();
  }

  public long written() {
    return written.get();
  }

  /** Where lines go, for the start-up log line. */
  public String destination() {
    return destination;
  }

  private void run() {
    List<CallRecord> batch = new ArrayList<>(BATCH);
    while (true) {
      queue.drainTo(batch, BATCH);
      if (batch.isEmpty()) {
        if (closed) {
          break;
        }
        // Polled, never signalled: a thread waiting on the queue would be woken by nearly every call,
        // and a wake-up (a futex call and a context switch) costs more than formatting the line.
        LockSupport.parkNanos(IDLE_POLL_NANOS);
        if (Thread.interrupted()) {
          break;
        }
        continue;
      }
      write(batch);
      batch.clear();
    }
    write(new ArrayList<>(queue)); // anything offered while closing
    finish();
  }

  private void write(List<CallRecord> batch) {
    try {
      for (CallRecord call : batch) {
        lines.write(call, out);
      }
      if (queue.isEmpty()) {
        out.flush(); // lines appear promptly when traffic is light; under load, in 64 KiB writes
      }
      written.addAndGet(batch.size());
    } catch (IOException e) {
      dropped.addAndGet(batch.size());
      if (!writeFailureLogged) {
        writeFailureLogged = true;
        LOG.error("cannot write the access log to {}: {}; lines are dropped and counted (toolgate_access_log_lines_dropped_total)",
            destination, describe(e));
      }
    }
  }

  private void finish() {
    try {
      out.flush();
      if (ownsOut) {
        out.close();
      }
    } catch (IOException e) {
      LOG.warn("closing the access log {} failed: {}", destination, describe(e));
    }
  }

  /** Writes what is queued and closes the file; calls completed afterwards are counted as dropped. */
  @Override
  public void close() {
    closed = true;
    try {
      writer.join(CLOSE_TIMEOUT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String describe(Exception e) {
    return e.getMessage() != null ? e.getClass().getSimpleName() + ": " + e.getMessage() : e.toString();
  }
}
