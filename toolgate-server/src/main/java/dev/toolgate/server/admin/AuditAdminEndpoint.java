package dev.toolgate.server.admin;

import dev.toolgate.server.admin.AdminRole.Access;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.store.AuditLog;
import dev.toolgate.server.store.AuditRetention;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The audit log as a whole:
 *
 * <pre>
 * GET  /admin/audit/export?&lt;the filters of GET /admin/decisions&gt;  → 200 application/x-ndjson    (read)
 * POST /admin/audit/prune   {"before"}                               → 200 {"deleted", "before"} (administer)
 * </pre>
 *
 * A prune follows {@link AuditRetention}: {@code before} at least 24 hours ago (else 400), and
 * nothing while audit records wait in this instance's spill directory (409).
 */
public final class AuditAdminEndpoint implements Endpoint {
  private final AdminRoutes routes;
  private final AuditLog audit;
  private final AuditExport export;
  private final Path spillDir;
  private final Clock clock;

  /** @param spillDir where this instance's audit writer spills ({@code audit.spill_dir}) */
  public AuditAdminEndpoint(AdminRoutes routes, AuditLog audit, Path spillDir, Clock clock) {
    this.routes = Objects.requireNonNull(routes, "routes");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.export = new AuditExport(audit);
    this.spillDir = Objects.requireNonNull(spillDir, "spillDir");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void mount(Router router) {
    routes.get(router, "/admin/audit/export", Access.READ, export::handle);
    routes.post(router, "/admin/audit/prune", Access.ADMINISTER, this::prune); // deleting twice deletes nothing more
  }

  private record Pruned(long deleted, Instant before) {}

  private void prune(RoutingContext ctx) {
    AdminJson.respond(ctx, 200, () -> {
      Instant before = AdminJson.time(AdminBody.read(ctx, List.of("before")), "before");
      if (before == null) {
        throw new IllegalArgumentException("before is required (an RFC 3339 time such as 2026-01-01T00:00:00Z)");
      }
      return new Pruned(AuditRetention.prune(audit, before, clock.instant(), spillDir), before);
    }, pruned -> AdminResources.pruned(pruned.deleted(), pruned.before()));
  }
}
