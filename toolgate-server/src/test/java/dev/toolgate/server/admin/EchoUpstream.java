package dev.toolgate.server.admin;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real upstream on loopback that answers every call with what reached it, as JSON ({@code method},
 * {@code uri}, {@code headers}, {@code body}); {@code /big} answers 100 KiB instead.
 */
final class EchoUpstream implements AutoCloseable {
  static final int BIG = 100 * 1024;
  final AtomicInteger hits = new AtomicInteger();
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  EchoUpstream() {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      hits.incrementAndGet();
      if (req.path().equals("/big")) {
        req.response().putHeader("content-type", "text/plain").end("x".repeat(BIG));
        return;
      }
      JsonObject headers = new JsonObject();
      req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
      req.response().putHeader("content-type", "application/json").putHeader("x-upstream", "echo")
          .end(new JsonObject().put("method", req.method().name()).put("uri", req.uri()).put("headers", headers)
              .put("body", body.toString()).encode());
    })).listen(0, "127.0.0.1").await();
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
