package dev.toolgate.server.observe;

import io.vertx.core.http.HttpConnection;
import java.util.concurrent.atomic.AtomicInteger;

/** Connections open on the main port now: counted up when one opens, down when it closes. */
public final class OpenConnections {
  private final AtomicInteger open = new AtomicInteger();

  /** From the server's connection handler, once per new connection. */
  public void opened(HttpConnection connection) {
    open.incrementAndGet();
    connection.closeHandler(v -> open.decrementAndGet());
  }

  public int count() {
    return open.get();
  }
}
