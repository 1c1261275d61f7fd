package dev.toolgate.server.admin;

import dev.toolgate.server.admin.AdminRole.Access;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.store.AuditLog;
import dev.toolgate.server.store.AuditSpillFiles;
import dev.toolgate.server.store.StoreConflictException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The audit log as a whole:
 *
 * <pre>
 * GET  /admin/audit/export?&lt;the filters of GET /admin/decisions&gt;  → 200 application/x-ndjson    (read)
 * POST /admin/audit/prune   {"before"}                               → 200 {"deleted", "before"} (administer)
 * </pre>
 *
 * <p>A prune deletes the decisions recorded before {@code before}, which must be at least {@link
 * #KEPT} ago: the last day is what an investigation under way reads, and a cutoff that recent is
 * far more likely a slip (a date typed for a time, a local time read as UTC) than a retention
 * policy. It never runs while audit records wait in spill files (the store was unreachable and
 * they still carry their original times, so they may be older than the cutoff): it answers 409
 * until they are written, so a prune's result is what the log holds afterwards.
 */
public final class AuditAdminEndpoint implements Endpoint {
  /** How recent a prune's cutoff may be, at the latest. */
  static final Duration KEPT = Duration.ofHours(24);

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
      Instant before = AdminJson.time(AdminJson.body(ctx), "before");
      if (before == null) {
        throw new IllegalArgumentException("before is required (an RFC 3339 time such as 2026-01-01T00:00:00Z)");
      }
      Instant latest = clock.instant().minus(KEPT);
      if (before.isAfter(latest)) {
        throw new IllegalArgumentException("before must be at least 24 hours ago (at the latest " + AdminJson.time(latest)
            + "): the last day of decisions is always kept");
      }
      requireNothingSpilled();
      return new Pruned(audit.deleteOlderThan(before), before);
    }, pruned -> new JsonObject().put("deleted", pruned.deleted()).put("before", AdminJson.time(pruned.before())));
  }

  private void requireNothingSpilled() {
    long waiting;
    try {
      waiting = AuditSpillFiles.bytesWaiting(spillDir);
    } catch (UncheckedIOException e) {
      throw new StoreConflictException("cannot tell whether audit records wait in the spill directory (" + e.getMessage()
          + "), so nothing was deleted");
    }
    if (waiting > 0) {
      throw new StoreConflictException(waiting + " bytes of audit records wait in spill files in " + spillDir.toAbsolutePath()
          + " to be written to the store; nothing was deleted: prune once they are written (readiness shows audit \"ok\")");
    }
  }
}
