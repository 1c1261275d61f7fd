package dev.toolgate.server.admin;

import dev.toolgate.server.admin.AdminRole.Access;
import dev.toolgate.server.http.Endpoint;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What {@code toolgate reload} (SIGHUP) does, over the admin API:
 *
 * <pre>
 * POST /admin/config/reload  (no body)  → 200 {"result": "reloaded"|"unchanged", "version", "tools", "problems": []}   (operate)
 *                                       → 422 config_refused, with "version" (still serving) and "problems"
 * </pre>
 *
 * It reloads the instance that answers: behind a load balancer, reload each instance.
 */
public final class ConfigReloadAdminEndpoint implements Endpoint {
  /**
   * What one reload did.
   *
   * @param result {@code reloaded}, {@code unchanged} or {@code refused}
   * @param version the version in force afterwards (the old one after a refusal)
   * @param problems why the file was refused, one {@code file:line: field: problem} each
   */
  public record Report(String result, String version, int tools, List<String> problems) {
    public Report {
      problems = List.copyOf(problems);
    }

    boolean refused() {
      return result.equals("refused");
    }
  }

  private final AdminRoutes routes;
  private final Supplier<Report> reload;

  /** @param reload reloads the configuration file (blocking: run off the event loop) */
  public ConfigReloadAdminEndpoint(AdminRoutes routes, Supplier<Report> reload) {
    this.routes = Objects.requireNonNull(routes, "routes");
    this.reload = Objects.requireNonNull(reload, "reload");
  }

  @Override
  public void mount(Router router) {
    routes.post(router, "/admin/config/reload", Access.OPERATE, this::reload);
  }

  private void reload(RoutingContext ctx) {
    AdminProblems.requestId(ctx);
    try {
      AdminBody.read(ctx, List.of()); // nothing to say: the file on disk is what is read
    } catch (IllegalArgumentException e) {
      AdminProblems.send(ctx, AdminProblems.Code.INVALID_REQUEST, e.getMessage());
      return;
    }
    ctx.vertx().executeBlocking(reload::get, false).onComplete(done -> {
      if (done.failed()) {
        AdminProblems.fail(ctx, done.cause());
        return;
      }
      Report report = done.result();
      if (report.refused()) {
        AdminProblems.send(ctx, AdminProblems.Code.CONFIG_REFUSED,
            "the configuration file was refused; version " + report.version() + " keeps serving",
            new JsonObject().put("version", report.version()).put("problems", new JsonArray(report.problems())));
        return;
      }
      JsonObject body = new JsonObject().put("result", report.result()).put("version", report.version())
          .put("tools", report.tools()).put("problems", new JsonArray(report.problems()));
      ctx.response().setStatusCode(200).putHeader("content-type", "application/json").putHeader("cache-control", "no-store")
          .end(body.toBuffer());
    });
  }
}
