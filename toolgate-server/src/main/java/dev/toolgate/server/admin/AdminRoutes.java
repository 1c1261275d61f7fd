package dev.toolgate.server.admin;

import dev.toolgate.server.admin.AdminRole.Access;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;

/**
 * How every admin endpoint mounts a route, so none can be mounted without its guards: the body
 * limit (16 KiB), the admin token ({@link AdminAuth}), the role check for the route's {@link
 * Access}, {@code Idempotency-Key} on creations, and problem answers for anything that fails.
 */
public final class AdminRoutes {
  private final AdminAuth auth;
  private final AdminIdempotency idempotency;

  public AdminRoutes(AdminAuth auth, IdempotencyKeys keys) {
    this.auth = Objects.requireNonNull(auth, "auth");
    this.idempotency = new AdminIdempotency(keys);
  }

  public AdminAuth auth() {
    return auth;
  }

  public void get(Router router, String path, Access access, Handler<RoutingContext> handler) {
    mount(router.get(path), access, false, false, handler);
  }

  /** A POST that changes or issues something but creates no resource of its own (disable, rotate, mint). */
  public void post(Router router, String path, Access access, Handler<RoutingContext> handler) {
    mount(router.post(path), access, true, false, handler);
  }

  /** A POST that creates a resource: honours {@code Idempotency-Key}. */
  public void create(Router router, String path, Access access, Handler<RoutingContext> handler) {
    mount(router.post(path), access, true, true, handler);
  }

  public void put(Router router, String path, Access access, Handler<RoutingContext> handler) {
    mount(router.put(path), access, true, false, handler);
  }

  public void delete(Router router, String path, Access access, Handler<RoutingContext> handler) {
    mount(router.delete(path), access, true, false, handler);
  }

  /**
   * The changes whose handlers compare {@code If-Match} inside their write. On any other change an
   * {@code If-Match} is refused rather than ignored: the caller asked for a condition nobody checks.
   */
  private static final java.util.Set<String> CONDITIONAL =
      java.util.Set.of("/admin/clients/:id/oauth", "/admin/clients/:id/keys", "/admin/clients/:id/keys/:kid");

  private void mount(Route route, Access access, boolean body, boolean idempotent, Handler<RoutingContext> handler) {
    if (body) {
      route.handler(AdminJson.bodyHandler()); // before the auth handler, as Vert.x requires; capped at 16 KiB
    }
    route.handler(auth).handler(ctx -> authorize(ctx, access));
    if (body && !CONDITIONAL.contains(route.getPath())) {
      route.handler(AdminRoutes::refuseIfMatch);
    }
    if (idempotent) {
      route.handler(idempotency);
    }
    route.handler(handler).failureHandler(AdminProblems::failed);
  }

  private static void refuseIfMatch(RoutingContext ctx) {
    if (ctx.request().headers().contains("if-match")) {
      AdminProblems.send(ctx, AdminProblems.Code.INVALID_REQUEST,
          "If-Match is not evaluated on this route; conditional changes are PUT /admin/clients/{id}/oauth and the client key routes");
      return;
    }
    ctx.next();
  }

  private static void authorize(RoutingContext ctx, Access access) {
    AdminRole role = AdminAuth.caller(ctx).orElseThrow().role();
    if (!role.allows(access)) {
      AdminProblems.send(ctx, AdminProblems.Code.ADMIN_ROLE_FORBIDDEN, "this admin token's role is " + role.value()
          + ", which does not allow this request (it needs " + access.name().toLowerCase(java.util.Locale.ROOT) + ")");
      return;
    }
    ctx.next();
  }
}
