package dev.toolgate.server.demo;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;

/**
 * A small company backend for the demo and benchmarks: a profile lookup, order status, refunds and a
 * catalog search. Every answer includes what the upstream saw of the gateway's headers, so a
 * newcomer can check that identity arrives and credentials do not.
 */
public final class DemoUpstream implements AutoCloseable {
  /** Credential headers that must never reach an upstream through Toolgate. */
  private static final List<String> CREDENTIAL_HEADERS = List.of("authorization", "x-sendbird-signature", "api-key", "customer-auth");

  private final HttpServer server;

  private DemoUpstream(HttpServer server) {
    this.server = server;
  }

  public static Future<DemoUpstream> start(Vertx vertx, String host, int port) {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create().setBodyLimit(1 << 20));
    router.get("/profile/:user_id").handler(ctx -> reply(ctx, new JsonObject()
        .put("user_id", ctx.pathParam("user_id"))
        .put("name", "Ada Lovelace")
        .put("tier", "gold")
        .put("email_verified", true)));
    router.post("/orders/status").handler(ctx -> {
      JsonObject in = json(ctx);
      if (in == null) return;
      reply(ctx, new JsonObject()
          .put("order_id", in.getString("order_id", "unknown"))
          .put("status", "shipped")
          .put("carrier", "DHL")
          .put("eta", "2026-11-24"));
    });
    router.post("/orders/refund").handler(ctx -> {
      JsonObject in = json(ctx);
      if (in == null) return;
      reply(ctx, new JsonObject()
          .put("order_id", in.getString("order_id", "unknown"))
          .put("refund", "accepted")
          .put("amount", in.getValue("amount", 0)));
    });
    router.post("/users/:user_id/orders").handler(ctx -> reply(ctx, new JsonObject()
        .put("customer", ctx.request().getHeader("x-toolgate-user"))
        .put("orders", new JsonArray().add("A-1001").add("A-1002"))));
    router.get("/catalog/search").handler(ctx -> reply(ctx, new JsonObject()
        .put("query", ctx.request().getParam("q", ""))
        .put("results", new JsonArray().add("USB-C cable").add("Travel adapter"))));
    router.post("/account/getprofile").handler(ctx -> reply(ctx, new JsonObject()
        .put("customer", ctx.request().getHeader("x-toolgate-user"))
        .put("name", "Ada Lovelace")
        .put("plan", "unlimited")
        .put("balance_due", 0)));
    router.get("/status").handler(ctx -> reply(ctx, new JsonObject().put("status", "ok")));
    // The upstream routes of the example tools `toolgate init` writes (toolgate-starter.yaml).
    router.get("/api/orders/:order_id").handler(ctx -> reply(ctx, new JsonObject()
        .put("order_id", ctx.pathParam("order_id"))
        .put("status", "shipped")
        .put("carrier", "DHL")));
    router.post("/customers/:customer_id/profile").handler(ctx -> reply(ctx, new JsonObject()
        .put("customer_id", ctx.pathParam("customer_id"))
        .put("name", "Ada Lovelace")
        .put("tier", "gold")));
    router.get("/health").handler(ctx -> reply(ctx, new JsonObject().put("status", "ok")));
    router.route("/echo/*").handler(ctx -> reply(ctx, new JsonObject()
        .put("method", ctx.request().method().name())
        .put("bytes", ctx.body().length())));
    HttpServer server = vertx.createHttpServer().requestHandler(router);
    return server.listen(port, host).map(DemoUpstream::new);
  }

  public int port() {
    return server.actualPort();
  }

  private static JsonObject json(RoutingContext ctx) {
    try {
      return ctx.body().length() == 0 ? new JsonObject() : ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      ctx.response().setStatusCode(400).putHeader("content-type", "application/json").end("{\"error\":\"body is not a JSON object\"}");
      return null;
    }
  }

  private static void reply(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("content-type", "application/json").end(body.put("upstream_saw", saw(ctx.request().headers())).encodePrettily());
  }

  /** What a sample upstream saw of Toolgate's headers, and any credential header that reached it (none must). */
  static JsonObject saw(MultiMap headers) {
    JsonObject saw = new JsonObject()
        .put("x-toolgate-tool", headers.get("x-toolgate-tool"))
        .put("x-toolgate-client", headers.get("x-toolgate-client"))
        .put("x-toolgate-user", headers.get("x-toolgate-user"))
        .put("x-request-id", headers.get("x-request-id"));
    JsonArray leaked = new JsonArray();
    for (String h : CREDENTIAL_HEADERS) {
      if (headers.contains(h)) {
        leaked.add(h);
      }
    }
    return saw.put("credential_headers_received", leaked);
  }

  @Override
  public void close() {
    server.close();
  }
}
