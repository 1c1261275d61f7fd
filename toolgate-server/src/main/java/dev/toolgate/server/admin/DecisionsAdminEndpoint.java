package dev.toolgate.server.admin;

import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.server.admin.AdminRole.Access;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.store.AuditLog;
import dev.toolgate.server.store.AuditQuery;
import dev.toolgate.server.store.NotFoundException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The audit log's decisions, for "why was this denied?":
 *
 * <pre>
 * GET /admin/decisions?tool=&amp;client_id=&amp;decision=&amp;code=&amp;request_id=&amp;since=&amp;until=&amp;limit=&amp;cursor=
 *                                       → 200 {"decisions": [decision…], "next_cursor": "…" | null}
 * GET /admin/decisions/{request_id}     → 200 decision
 * </pre>
 *
 * Newest first. Pages are keyset pages ({@link AuditCursor}): decisions recorded while a client
 * pages are never shown twice and never push one out of the pages still to read. Items carry their
 * {@code checks} like the single decision does: one shape everywhere, and a page of at most 1,000
 * stays well under a megabyte (a trace is a handful of short checks).
 */
public final class DecisionsAdminEndpoint implements Endpoint {
  private final AdminRoutes routes;
  private final AuditLog audit;

  public DecisionsAdminEndpoint(AdminRoutes routes, AuditLog audit) {
    this.routes = routes;
    this.audit = audit;
  }

  @Override
  public void mount(Router router) {
    routes.get(router, "/admin/decisions", Access.READ, this::list);
    routes.get(router, "/admin/decisions/:request_id", Access.READ, this::get);
  }

  private record Page(List<AuditEvent> decisions, String nextCursor) {}

  private void list(RoutingContext ctx) {
    String rawQuery = ctx.request().query();
    AdminJson.respond(ctx, 200, () -> {
      AuditQuery query = AuditFilters.page(rawQuery);
      // One more than asked says whether a next page exists, so the last page never points at an empty one.
      List<AuditEvent> found = audit.query(query.withLimit(query.limit() + 1));
      if (found.size() <= query.limit()) {
        return new Page(found, null);
      }
      List<AuditEvent> page = found.subList(0, query.limit());
      return new Page(page, AuditCursor.encode(AuditQuery.Position.of(page.get(page.size() - 1))));
    }, page -> AdminResources.list("decisions", page.decisions(), AdminResources::decision).put("next_cursor", page.nextCursor()));
  }

  private void get(RoutingContext ctx) {
    String id = ctx.pathParam("request_id");
    AdminJson.respond(ctx, 200, () -> audit.find(id).orElseThrow(() -> new NotFoundException("no decision with request id '" + id + "'")),
        AdminResources::decision);
  }
}
