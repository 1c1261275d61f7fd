package dev.toolgate.server.store;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link AuditWriter#flush()} calls waiting for the events recorded before them. Events leave
 * the queue in order, and are written (or lost) in that order, so a flush waits for a count: the
 * events taken off the queue before it, all done. Used by the writer's thread alone.
 */
final class AuditFlushes {
  /** A flush() call, queued behind the events recorded before it. */
  static final class Request {
    final CompletableFuture<Void> done = new CompletableFuture<>();
  }

  private record Waiting(long target, CompletableFuture<Void> done) {}

  private final Deque<Waiting> waiting = new ArrayDeque<>();
  private long taken;
  private long done;

  /** An event was taken off the queue. */
  void taken() {
    taken++;
  }

  /** A flush request was taken off the queue: it waits for the events taken before it. */
  void arrived(Request request) {
    waiting.addLast(new Waiting(taken, request.done));
    completeReached();
  }

  /** {@code count} events taken off the queue are written, or lost for good. */
  void done(long count) {
    done += count;
    completeReached();
  }

  /** The writer stops: nothing more will be written, so nobody waits any longer. */
  void releaseAll() {
    waiting.forEach(w -> w.done().complete(null));
    waiting.clear();
  }

  private void completeReached() {
    while (!waiting.isEmpty() && waiting.peekFirst().target() <= done) {
      waiting.pollFirst().done().complete(null);
    }
  }
}
