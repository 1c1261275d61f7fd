package dev.toolgate.server.http;

import dev.toolgate.core.config.ManagementSettings;
import dev.toolgate.core.decision.DenialCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management interface, on a port of its own (loopback unless configured), as Keycloak's is:
 * {@code GET /metrics} (Prometheus text format), {@code /healthz} and {@code /readyz} (the same
 * answers as on the main port). Anything else is a 404 problem+json; another method on these paths
 * a 405. Scraping is done on a worker thread, never on the event loop. A client that does not send
 * its request head within the main port's {@code server.request_head_timeout} gets 408, as there.
 */
public final class ManagementServer {
  static final String METRICS = "/metrics";
  private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
  /** A scraper, an orchestrator's probe: nothing here needs long headers. */
  private static final int MAX_HEADER_BYTES = 16 * 1024;
  private static final int IDLE_TIMEOUT_SECONDS = 120;

  private final HttpServer server;

  private ManagementServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Listens on the configured host and port.
   *
   * @param headTimeout how long a client may take to send a request head (slowloris)
   * @param scrape the metrics in {@code contentType}; blocking, run on a worker thread
   */
  public static Future<ManagementServer> start(Vertx vertx, ManagementSettings settings, Duration headTimeout, Readiness readiness,
      Callable<String> scrape, String contentType) {
    HttpServer server = vertx.createHttpServer(new HttpServerOptions()
        .setTcpNoDelay(true)
        .setHttp2ClearTextEnabled(false)
        .setIdleTimeout(IDLE_TIMEOUT_SECONDS)
        .setMaxHeaderSize(MAX_HEADER_BYTES)
        .setCompressionSupported(false));
    server.connectionHandler(connection -> RequestHeadDeadline.install(connection, headTimeout));
    server.requestHandler(req -> handle(vertx, req, readiness, scrape, contentType));
    return server.listen(settings.port(), settings.host()).map(ManagementServer::new);
  }

  private static void handle(Vertx vertx, HttpServerRequest req, Readiness readiness, Callable<String> scrape, String contentType) {
    String path = req.path();
    boolean known = path.equals(METRICS) || HealthAnswers.isHealthPath(path);
    if (!known) {
      refuse(req, DenialCode.ROUTE_NOT_FOUND, "no endpoint " + req.method().name() + " " + path + " on the management port"
          + " (it serves GET /metrics, /healthz and /readyz)");
    } else if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      req.response().putHeader("allow", "GET, HEAD");
      refuse(req, DenialCode.METHOD_NOT_ALLOWED, req.method().name() + " is not accepted here; allowed: GET, HEAD");
    } else if (path.equals(METRICS)) {
      vertx.executeBlocking(scrape, false).onComplete(done -> {
        if (done.succeeded()) {
          req.response().putHeader("content-type", contentType).putHeader("cache-control", "no-store").end(done.result());
        } else {
          String requestId = RequestIds.next();
          LOG.error("scraping the metrics failed (request {})", requestId, done.cause());
          Problem.send(req.response(), DenialCode.INTERNAL_ERROR, "internal error; see the server log", requestId, null, List.of());
        }
      });
    } else {
      HealthAnswers.answer(path, req.response(), readiness);
    }
  }

  private static void refuse(HttpServerRequest req, DenialCode code, String detail) {
    if (!req.isEnded()) {
      ClosingConnections.closeAfter(req); // the body is not read: close rather than drain it
    }
    Problem.send(req.response(), code, detail, RequestIds.next(), null, List.of());
  }

  public int port() {
    return server.actualPort();
  }

  public Future<Void> close() {
    return server.close();
  }
}
