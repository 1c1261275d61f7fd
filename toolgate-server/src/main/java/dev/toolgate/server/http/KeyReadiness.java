package dev.toolgate.server.http;

import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.Route;
import java.util.concurrent.CompletableFuture;

/**
 * Runs before the (synchronous, in-memory) policy decision, for what must be fetched first: the
 * JWKS of a trusted issuer whose token names a key not yet seen. Most calls need nothing.
 */
public interface KeyReadiness {
  CompletableFuture<Void> prepare(ToolCall call, Route route);

  KeyReadiness NONE = (call, route) -> CompletableFuture.completedFuture(null);
}
