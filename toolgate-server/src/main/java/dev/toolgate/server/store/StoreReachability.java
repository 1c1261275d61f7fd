package dev.toolgate.server.store;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the store answers, as the server's periodic revision poll sees it. Says so in the log
 * once per change, not once per poll: one WARN when it stops answering, one INFO when it is back.
 */
public final class StoreReachability {
  private static final Logger LOG = LoggerFactory.getLogger(StoreReachability.class);

  private final String target;
  private volatile boolean reachable = true;
  private long unreachableSinceNanos;
  private int failures;

  /** @param target what the store is, for the log (never a password: {@link Database#target()}) */
  public StoreReachability(String target) {
    this.target = target;
  }

  /** A poll got its answer. */
  public synchronized void succeeded() {
    if (!reachable) {
      reachable = true;
      LOG.info("the store ({}) answers again, after {} s and {} failed poll(s)", target,
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - unreachableSinceNanos), failures);
    }
    failures = 0;
  }

  /** A poll failed; {@code revision} is the snapshot the server keeps verifying with. */
  public synchronized void failed(Throwable cause, long revision) {
    failures++;
    if (reachable) {
      reachable = false;
      unreachableSinceNanos = System.nanoTime();
      LOG.warn("the store is unreachable: {}. Calls are verified from the last snapshot (revision {}); audit records wait"
          + " in memory and spill files; writes (credentials, users, revocations) answer 503 until it is back", message(cause), revision);
    } else {
      LOG.debug("store poll {} failed: {}", failures, message(cause));
    }
  }

  public boolean reachable() {
    return reachable;
  }

  private static String message(Throwable cause) {
    return cause.getMessage() != null ? cause.getMessage() : cause.toString();
  }
}
