package dev.toolgate.server.users;

import dev.toolgate.server.http.Endpoint;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * A real HTTP server on loopback: a Vert.x router with the endpoints under test mounted the way
 * the gateway's system router mounts them (including its catch-all 404), and a JDK client.
 */
public final class HttpHarness implements AutoCloseable {
  public final Vertx vertx;
  private final HttpServer server;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public HttpHarness(Vertx vertx, List<Endpoint> endpoints) {
    this.vertx = vertx;
    Router router = Router.router(vertx);
    for (Endpoint endpoint : endpoints) {
      endpoint.mount(router);
    }
    router.route().last().handler(ctx -> ctx.response().setStatusCode(404)
        .putHeader("content-type", "application/problem+json").end("{\"code\":\"route_not_found\"}"));
    this.server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.actualPort() + path);
  }

  public HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return client.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(uri(path));
  }

  /** POST with a body and content type. */
  public HttpResponse<String> post(String path, String contentType, String body, String... headers) {
    HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("content-type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b);
  }

  public HttpResponse<String> form(String path, String body, String... headers) {
    return post(path, "application/x-www-form-urlencoded", body, headers);
  }

  public static JsonObject json(HttpResponse<String> response) {
    return new JsonObject(response.body());
  }

  @Override
  public void close() {
    server.close().await();
  }
}
