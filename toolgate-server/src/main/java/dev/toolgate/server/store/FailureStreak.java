package dev.toolgate.server.store;

import org.slf4j.Logger;

/**
 * Logs a task that keeps failing while the store is down once, not once per attempt: a WARN at the
 * first failure, DEBUG for the ones after it, an INFO when it works again.
 */
public final class FailureStreak {
  private final Logger log;
  private final String task;
  private int failures;

  /** @param task what fails, for the log ("reloading admin tokens") */
  public FailureStreak(Logger log, String task) {
    this.log = log;
    this.task = task;
  }

  public synchronized void failed(Throwable cause) {
    String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
    if (failures++ == 0) {
      log.warn("{} failed: {} (retried; further failures are logged at debug level until it works again)", task, message);
    } else {
      log.debug("{} failed again ({} in a row): {}", task, failures, message);
    }
  }

  /** Whether the last attempt failed. */
  public synchronized boolean failing() {
    return failures > 0;
  }

  public synchronized void succeeded() {
    if (failures > 0) {
      log.info("{} works again after {} failure(s)", task, failures);
      failures = 0;
    }
  }
}
