package dev.toolgate.server;

import dev.toolgate.server.http.Readiness;
import dev.toolgate.server.observe.DependencyMetrics;
import dev.toolgate.server.store.CredentialCache;
import dev.toolgate.server.store.StoreReachability;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Once a second: reloads the credentials if the store changed (so CLI changes reach a running
 * server), and tells readiness how the store fares. A failed poll keeps the
 * last snapshot, so calls go on being verified; the store's state is logged once per change
 * ({@link StoreReachability}). A poll still waiting for the store (up to the connection timeout)
 * makes the next ones skip instead of taking another worker thread each.
 */
final class CredentialPoll {
  private final Vertx vertx;
  private final CredentialCache credentials;
  private final Readiness readiness;
  private final StoreReachability store;
  private final DependencyMetrics metrics;
  private final BooleanSupplier closed;
  private final AtomicBoolean polling = new AtomicBoolean();

  CredentialPoll(Vertx vertx, CredentialCache credentials, Readiness readiness, StoreReachability store,
      DependencyMetrics metrics, BooleanSupplier closed) {
    this.metrics = metrics;
    this.vertx = vertx;
    this.credentials = credentials;
    this.readiness = readiness;
    this.store = store;
    this.closed = closed;
  }

  void run() {
    report();
    if (!polling.compareAndSet(false, true)) {
      return;
    }
    long start = System.nanoTime();
    vertx.executeBlocking(() -> {
      credentials.refreshIfChanged();
      return null;
    }, false).onComplete(done -> {
      metrics.storePolled(done.succeeded(), System.nanoTime() - start);
      polling.set(false);
      if (closed.getAsBoolean()) {
        return;
      }
      if (done.succeeded()) {
        store.succeeded();
        readiness.credentialsLoaded(credentials.undecryptable().size());
      } else {
        store.failed(done.cause(), credentials.revision());
      }
      report();
    });
  }

  /** Tells readiness how the store fared at the last poll. */
  void report() {
    readiness.store(store.reachable());
  }
}
