package dev.toolgate.server.observe;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observers of completed calls (metrics, access log), called in order. With none, the request
 * pipeline does not even build the {@link CallRecord}.
 */
public final class CallObservers {
  public static final CallObservers NONE = new CallObservers(List.of());
  private static final Logger LOG = LoggerFactory.getLogger(CallObservers.class);

  private final CallObserver[] observers;
  private final AtomicBoolean failureLogged = new AtomicBoolean();

  private CallObservers(List<CallObserver> observers) {
    this.observers = observers.toArray(new CallObserver[0]);
  }

  /** The observers given, nulls left out. */
  public static CallObservers of(CallObserver... observers) {
    List<CallObserver> present = java.util.Arrays.stream(observers).filter(Objects::nonNull).toList();
    return present.isEmpty() ? NONE : new CallObservers(present);
  }

  /** Whether anyone listens: a pipeline skips the record when not. */
  public boolean active() {
    return observers.length > 0;
  }

  public void completed(CallRecord call) {
    for (CallObserver observer : observers) {
      try {
        observer.completed(call);
      } catch (RuntimeException e) {
        // A broken observer must not break the call it observes; said once, not once per call.
        if (failureLogged.compareAndSet(false, true)) {
          LOG.error("call observer {} failed (further failures are not logged)", observer.getClass().getSimpleName(), e);
        }
      }
    }
  }
}
