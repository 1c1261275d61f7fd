package dev.toolgate.server.admin;

import dev.toolgate.server.admin.AdminRole.Access;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.store.AuditLog;
import dev.toolgate.server.store.NotFoundException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /admin/decisions/{request_id}}: the decision trace of one call, for "why was this denied?". */
public final class DecisionsAdminEndpoint implements Endpoint {
  private final AdminRoutes routes;
  private final AuditLog audit;

  public DecisionsAdminEndpoint(AdminRoutes routes, AuditLog audit) {
    this.routes = routes;
    this.audit = audit;
  }

  @Override
  public void mount(Router router) {
    routes.get(router, "/admin/decisions/:request_id", Access.READ, this::get);
  }

  private void get(RoutingContext ctx) {
    String id = ctx.pathParam("request_id");
    AdminJson.respond(ctx, 200, () -> audit.find(id).orElseThrow(() -> new NotFoundException("no decision with request id '" + id + "'")),
        AdminResources::decision);
  }
}
