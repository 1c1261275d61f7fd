package dev.toolgate.server.http;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real upstream on loopback that records what reached it. {@code /slow/**} answers after 3 s;
 * a path ending in {@code /stalled-answer} gets a head promising 100 bytes, 10 of them, and then nothing.
 */
final class RecordingUpstream implements AutoCloseable {
  final AtomicInteger hits = new AtomicInteger();
  /** The x-request-id of every call that reached this upstream. */
  final java.util.Set<String> requestIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
  volatile MultiMap lastHeaders;
  volatile Buffer lastBody;
  volatile String lastUri;
  volatile io.vertx.core.http.HttpVersion lastVersion;
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  RecordingUpstream() throws Exception {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      hits.incrementAndGet();
      String requestId = req.getHeader("x-request-id");
      if (requestId != null) {
        requestIds.add(requestId);
      }
      lastHeaders = req.headers();
      lastBody = body;
      lastUri = req.uri();
      lastVersion = req.version();
      Runnable answer = () -> req.response().putHeader("content-type", "text/plain").putHeader("x-upstream", "yes")
          .end("upstream got " + body.length() + " bytes at " + req.uri());
      if (req.path().endsWith("/stalled-answer")) {
        req.response().putHeader("content-length", "100").write("0123456789");
      } else if (req.path().startsWith("/slow")) {
        vertx.setTimer(3000, t -> answer.run());
      } else {
        answer.run();
      }
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  int port() {
    return server.actualPort();
  }

  String url() {
    return "http://127.0.0.1:" + port();
  }

  @Override
  public void close() {
    vertx.close();
  }
}
