package dev.toolgate.server.http;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * An answer that leaves only once its audit record is kept ({@link
 * dev.toolgate.core.port.AuditSink#recordBeforeAnswer}): at once when records are written after the
 * answer ({@code audit.durability: async}), else on the caller's event loop once the record's batch
 * is committed (or spilled). Never blocks the event loop. Shared by the tool calls and every other
 * audited endpoint, each answering a record it cannot keep in its own error format.
 */
public final class AuditedAnswer {
  /**
   * How long the answer of an endpoint other than a tool call waits for its record at most; the
   * writer spills a batch the store has not committed within a second, so this is reached only when
   * the spill disk stalls too.
   */
  public static final Duration ENDPOINT_WAIT = Duration.ofSeconds(10);

  private AuditedAnswer() {}

  /**
   * Runs {@code answer} once {@code kept} completes; if it fails, or does not complete within
   * {@code wait}, runs {@code notKept} with the reason instead. Exactly one of them runs, on the
   * context of the calling event loop.
   */
  public static void whenKept(Vertx vertx, CompletableFuture<Void> kept, Duration wait, Runnable answer, Consumer<String> notKept) {
    if (kept.isDone() && !kept.isCompletedExceptionally()) {
      answer.run();
      return;
    }
    Context context = vertx.getOrCreateContext();
    Waiting waiting = new Waiting();
    waiting.timer = vertx.setTimer(Math.max(1, wait.toMillis()), t -> {
      if (!waiting.over) {
        waiting.over = true;
        notKept.accept("not kept within " + wait.toMillis() + " ms");
      }
    });
    kept.whenComplete((ok, failure) -> context.runOnContext(v -> {
      if (waiting.over) {
        return;
      }
      waiting.over = true;
      vertx.cancelTimer(waiting.timer);
      if (failure == null) {
        answer.run();
      } else {
        notKept.accept(failure.getMessage());
      }
    }));
  }

  /** An answer waiting for its record; touched on its event loop only. */
  private static final class Waiting {
    long timer;
    boolean over;
  }
}
