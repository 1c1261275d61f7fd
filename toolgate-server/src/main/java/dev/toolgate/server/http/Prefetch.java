package dev.toolgate.server.http;

import dev.toolgate.core.engine.PolicyEngine;
import dev.toolgate.core.port.UserDirectory;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.Route;
import java.util.concurrent.CompletableFuture;

/**
 * What must be fetched before a step of the (synchronous, in-memory) decision, off the event loop:
 * before verification, the JWKS of a trusted issuer whose token names a key not yet seen; before
 * authorization, the users a verified call names. Most calls need nothing, or find it cached.
 */
public interface Prefetch {
  CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  /** Before the credentials are verified: what a verifier needs (a trusted issuer's keys). */
  default CompletableFuture<Void> beforeVerification(ToolCall call, Route route) {
    return DONE;
  }

  /**
   * After every credential verified, before authorization: what user binding needs, as a directory
   * holding exactly this call's users; null when the engine's own directory will do.
   */
  default CompletableFuture<UserDirectory> beforeAuthorization(PolicyEngine.Authenticated authenticated) {
    return NO_USERS;
  }

  CompletableFuture<UserDirectory> NO_USERS = CompletableFuture.completedFuture(null);

  /** Each step's fetches of both. */
  static Prefetch both(Prefetch a, Prefetch b) {
    return new Prefetch() {
      @Override
      public CompletableFuture<Void> beforeVerification(ToolCall call, Route route) {
        return all(a.beforeVerification(call, route), b.beforeVerification(call, route));
      }

      @Override
      public CompletableFuture<UserDirectory> beforeAuthorization(PolicyEngine.Authenticated authenticated) {
        CompletableFuture<UserDirectory> first = a.beforeAuthorization(authenticated);
        CompletableFuture<UserDirectory> second = b.beforeAuthorization(authenticated);
        return first.thenCombine(second, (x, y) -> x != null ? x : y); // one of them knows users
      }
    };
  }

  /** Done when both are; without allocating when both already are (the usual case). */
  static CompletableFuture<Void> all(CompletableFuture<Void> first, CompletableFuture<Void> second) {
    return first.isDone() && second.isDone() ? DONE : CompletableFuture.allOf(first, second);
  }
}
