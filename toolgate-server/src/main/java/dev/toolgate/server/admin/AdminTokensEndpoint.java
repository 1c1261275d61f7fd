package dev.toolgate.server.admin;

import dev.toolgate.server.admin.AdminRole.Access;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.store.NotFoundException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Objects;

/**
 * Admin tokens on the admin API (role {@code admin} only):
 *
 * <pre>
 * POST /admin/admin-tokens             {"name", "role"?, "expires_at"?} → 201 admin token + "secret"
 * GET  /admin/admin-tokens                                              → 200 {"admin_tokens": [...]}
 * GET  /admin/admin-tokens/{id}                                         → 200 admin token
 * POST /admin/admin-tokens/{id}/revoke                                  → 200 admin token
 * </pre>
 *
 * {@code role} is {@code admin} (default), {@code operator}, {@code read_only} or {@code
 * token_minter}, fixed for the token's life. Revoking takes effect at once on this instance.
 */
public final class AdminTokensEndpoint implements Endpoint {
  private static final String BASE = "/admin/admin-tokens";
  private final AdminRoutes routes;
  private final AdminTokenStore tokens;

  public AdminTokensEndpoint(AdminRoutes routes, AdminTokenStore tokens) {
    this.routes = Objects.requireNonNull(routes, "routes");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
  }

  @Override
  public void mount(Router router) {
    routes.create(router, BASE, Access.ADMINISTER, this::create);
    routes.get(router, BASE, Access.ADMINISTER, ctx -> AdminJson.respond(ctx, 200, tokens::list,
        all -> AdminResources.list("admin_tokens", all, AdminResources::adminToken)));
    routes.get(router, BASE + "/:id", Access.ADMINISTER, ctx -> AdminJson.respondTagged(ctx, () -> find(ctx.pathParam("id")),
        AdminResources::adminToken));
    routes.post(router, BASE + "/:id/revoke", Access.ADMINISTER, this::revoke);
  }

  private void create(RoutingContext ctx) {
    AdminJson.created(ctx, () -> {
      // Strict as for credentials: the role defaults to admin, so a misspelt "role" must not make an admin token.
      JsonObject body = AdminBody.read(ctx, List.of("name", "role", "expires_at"));
      String roleName = AdminJson.string(body, "role", false);
      AdminRole role = roleName == null ? AdminRole.ADMIN : AdminRole.parse(roleName)
          .orElseThrow(() -> new IllegalArgumentException("role must be one of " + AdminRole.names()));
      var issued = tokens.create(AdminJson.string(body, "name", true), role, AdminJson.time(body, "expires_at"));
      routes.auth().reload();
      return issued;
    }, issued -> AdminResources.issued(issued, AdminResources::adminToken), issued -> BASE + "/" + issued.record().id());
  }

  private void revoke(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    AdminJson.respond(ctx, 200, () -> {
      tokens.revoke(id); // already revoked: the same answer, the first revocation time kept
      routes.auth().reload();
      return find(id);
    }, AdminResources::adminToken);
  }

  private AdminToken find(String id) {
    return tokens.find(id).orElseThrow(() -> new NotFoundException("no admin token with id '" + id + "'"));
  }
}
