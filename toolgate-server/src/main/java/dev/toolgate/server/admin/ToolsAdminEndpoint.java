package dev.toolgate.server.admin;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.route.Route;
import dev.toolgate.core.route.RouteTable;
import dev.toolgate.server.admin.AdminRole.Access;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.store.NotFoundException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;

/**
 * The tools as configured now, read-only:
 *
 * <pre>
 * GET /admin/tools         → 200 {"tools": [tool…], "config_version", "loaded_at"}
 * GET /admin/tools/{name}  → 200 tool
 * </pre>
 *
 * Built with each configuration ({@code PolicyWiring}), so a reload of {@code toolgate.yaml} shows at
 * once: a request is answered by the configuration in force when it arrives. {@code config_version}
 * is the version audit records carry (null for a configuration made in code).
 */
public final class ToolsAdminEndpoint implements Endpoint {
  private final AdminRoutes routes;
  private final GatewayConfig config;
  private final RouteTable table;
  private final String version;
  private final Instant loadedAt;

  public ToolsAdminEndpoint(AdminRoutes routes, GatewayConfig config, RouteTable table, String version, Instant loadedAt) {
    this.routes = routes;
    this.config = config;
    this.table = table;
    this.version = version;
    this.loadedAt = loadedAt;
  }

  @Override
  public void mount(Router router) {
    routes.get(router, "/admin/tools", Access.READ, this::list);
    routes.get(router, "/admin/tools/:name", Access.READ, this::get);
  }

  private void list(RoutingContext ctx) {
    AdminJson.respond(ctx, 200, table::routes, all -> AdminResources.list("tools", all, r -> AdminResources.tool(r, config))
        .put("config_version", version)
        .put("loaded_at", AdminJson.time(loadedAt)));
  }

  private void get(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    AdminJson.respondTagged(ctx, () -> find(name), r -> AdminResources.tool(r, config));
  }

  private Route find(String name) {
    return table.routes().stream().filter(r -> r.name().equals(name)).findFirst()
        .orElseThrow(() -> new NotFoundException("no tool named '" + name + "' in the configuration in force"));
  }
}
