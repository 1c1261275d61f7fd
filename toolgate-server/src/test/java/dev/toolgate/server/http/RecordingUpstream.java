package dev.toolgate.server.http;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real upstream on loopback that records what reached it. {@code /slow/**} answers after 3 s;
 * a path ending in {@code /stalled-answer} gets a head promising 100 bytes, 10 of them, and then nothing;
 * one ending in {@code /sets-cookies} sets cookies, Toolgate's own among them.
 */
public final class RecordingUpstream implements AutoCloseable {
  final AtomicInteger hits = new AtomicInteger();
  /** The x-request-id of every call that reached this upstream. */
  final java.util.Set<String> requestIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
  volatile MultiMap lastHeaders;
  volatile Buffer lastBody;
  volatile String lastUri;
  volatile io.vertx.core.http.HttpVersion lastVersion;
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  public RecordingUpstream() throws Exception {
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
      if (req.path().endsWith("/sets-cookies")) {
        // An upstream (or an MCP server of someone else's) trying to plant Toolgate's own cookies on the gateway's host.
        req.response().headers().add("set-cookie", "app=1; Path=/")
            .add("set-cookie", "toolgate_console=planted; Path=/; HttpOnly; SameSite=Strict")
            .add("set-cookie", "__Host-toolgate_console=planted; Path=/; Secure")
            .add("set-cookie", " __Secure-toolgate_authorize_session=planted; Path=/; Secure")
            .add("set-cookie", "toolgate_authorize_csrf=planted")
            .add("set-cookie", "toolgate_console")
            .add("set-cookie", "theme=dark; Max-Age=60");
        answer.run();
      } else if (req.path().endsWith("/stalled-answer")) {
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

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  @Override
  public void close() {
    vertx.close();
  }
}
