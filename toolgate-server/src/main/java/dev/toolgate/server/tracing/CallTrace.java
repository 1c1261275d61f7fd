package dev.toolgate.server.tracing;

import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.route.Route;
import io.vertx.core.MultiMap;

/**
 * The trace of one call, carried in the call's own state from step to step (never in a thread-local:
 * the call moves between the event loop and other threads). {@link #OFF} when tracing is off: every
 * method then does nothing and allocates nothing. Only used on the call's event loop.
 */
public interface CallTrace {
  /** Span names of the waits a call may have off the event loop. */
  String ISSUER_KEYS = "fetch issuer keys";
  String FAILED_AUTH = "count failed authentication";
  String USERS = "load users";
  String QUOTA = "settle quota";

  CallTrace OFF = new CallTrace() {};

  /** A wait for work off the event loop (the store, Redis, a JWKS fetch), as a child span. */
  interface Step {
    Step NONE = problem -> { };

    /** @param problem null when the wait ended with the answer, else why not (e.g. {@code timeout}) */
    void end(String problem);
  }

  /** Starts a child span for a wait named {@code name}; ended by the caller. */
  default Step step(String name) {
    return Step.NONE;
  }

  /** Starts the client span of the upstream exchange, before its connection is asked for. */
  default void upstream(String method, String host, int port, boolean tls) {
  }

  /**
   * Writes the upstream span's context into the upstream request's {@code headers} as
   * {@code traceparent} (and {@code tracestate}), replacing whatever the caller sent. When tracing is
   * off the headers are left as they are.
   */
  default void propagate(MultiMap headers) {
  }

  /**
   * The outcome, as the audit records it: ends the upstream's span (when there is one) and the call's.
   *
   * @param route the tool; null when the call matched none
   * @param code {@code ok} or the code of the refusal or failure
   * @param status the status the caller is answered
   */
  default void end(Route route, Decision decision, String code, int status, String clientIp) {
  }
}
