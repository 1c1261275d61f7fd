package dev.toolgate.server.observe;

/**
 * Told of every call once its answer is complete, on the call's event loop: must return at once
 * (count, or queue for another thread) and never throw.
 */
@FunctionalInterface
public interface CallObserver {
  void completed(CallRecord call);
}
