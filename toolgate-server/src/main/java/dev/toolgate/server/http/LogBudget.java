package dev.toolgate.server.http;

/**
 * At most so many log lines a second for one kind of event, so that a flood (a dead upstream under
 * load) cannot turn logging into the bottleneck of the event loops; the lines left out are counted
 * and the next line says how many.
 */
public final class LogBudget {
  private static final long SECOND_NANOS = 1_000_000_000L;

  private final int perSecond;
  private long windowStart = System.nanoTime();
  private int used;
  private long suppressed;

  public LogBudget(int perSecond) {
    this.perSecond = perSecond;
  }

  /** -1: do not log this one; else log it, saying that this many were left out since the last line. */
  public synchronized long take() {
    long now = System.nanoTime();
    if (now - windowStart >= SECOND_NANOS) {
      windowStart = now;
      used = 0;
    }
    if (used >= perSecond) {
      suppressed++;
      return -1;
    }
    used++;
    long left = suppressed;
    suppressed = 0;
    return left;
  }
}
