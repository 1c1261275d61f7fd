package dev.toolgate.server.admin;

import dev.toolgate.server.http.Endpoint;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.TreeSet;

/**
 * A known admin path asked with a method it does not take answers 405 {@code method_not_allowed}
 * with {@code Allow} (RFC 9110 §15.5.5), not the 404 of a path nothing serves. It runs after every
 * admin route and before the system router's catch-all 404; {@link AdminAuth}'s guard has already
 * run, so a caller without an admin token learns nothing about which paths exist.
 */
final class AdminMethodNotAllowed implements Endpoint {
  /** After every route an endpoint mounts, before the catch-all ({@code last()}, {@link Integer#MAX_VALUE}). */
  static final int ROUTE_ORDER = Integer.MAX_VALUE - 1;

  @Override
  public void mount(Router router) {
    router.route("/admin/*").order(ROUTE_ORDER).handler(ctx -> handle(ctx, router));
  }

  private static void handle(RoutingContext ctx, Router router) {
    String path = ctx.normalizedPath(); // what the routes were matched against (dot segments resolved)
    Set<String> allowed = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      Set<HttpMethod> methods = route.methods();
      if (methods != null && !methods.isEmpty() && route.getPath() != null && route.isExactPath() && matches(route.getPath(), path)) {
        methods.forEach(m -> allowed.add(m.name()));
      }
    }
    if (allowed.isEmpty() || allowed.contains(ctx.request().method().name())) {
      ctx.next(); // no such path (or a route of this method passed it on): the catch-all's 404
      return;
    }
    String allow = String.join(", ", allowed);
    ctx.response().putHeader("allow", allow);
    AdminProblems.send(ctx, AdminProblems.Code.METHOD_NOT_ALLOWED, ctx.request().method().name() + " is not accepted here; allowed: " + allow);
  }

  /** Whether a vert.x path template ({@code /admin/users/:id}) names this request path, as vert.x matches it. */
  static boolean matches(String template, String path) {
    String[] t = strip(template).split("/", -1);
    String[] p = strip(path).split("/", -1);
    if (t.length != p.length) {
      return false;
    }
    for (int i = 0; i < t.length; i++) {
      boolean param = t[i].startsWith(":");
      if (param ? p[i].isEmpty() : !t[i].equals(p[i])) {
        return false;
      }
    }
    return true;
  }

  /** Vert.x matches an exact path with or without one trailing slash. */
  private static String strip(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
