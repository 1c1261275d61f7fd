package dev.toolgate.server.http;

import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.Route;
import java.util.concurrent.CompletableFuture;

/**
 * Runs before the (synchronous, in-memory) policy decision, for what must be fetched first: the
 * JWKS of a trusted issuer whose token names a key not yet seen, the users a call's identities name.
 * Most calls need nothing, or find it cached.
 */
public interface Prefetch {
  CompletableFuture<Void> prepare(ToolCall call, Route route);

  Prefetch NONE = (call, route) -> CompletableFuture.completedFuture(null);

  /** Both, at the same time. */
  static Prefetch both(Prefetch a, Prefetch b) {
    return (call, route) -> {
      CompletableFuture<Void> first = a.prepare(call, route);
      CompletableFuture<Void> second = b.prepare(call, route);
      if (first.isDone() && second.isDone()) {
        return second; // the usual case: nothing to wait for, nothing allocated
      }
      return CompletableFuture.allOf(first, second);
    };
  }
}
