package dev.toolgate.server.admin;

import dev.toolgate.core.port.StaticToken;
import dev.toolgate.server.admin.AdminRole.Access;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.IssuedSecret;
import dev.toolgate.server.store.NotFoundException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Static bearer tokens on the admin API, as {@code toolgate token create|list|rotate|revoke}
 * manages them:
 *
 * <pre>
 * GET  /admin/static-tokens[?client_id=]                          → 200 {"static_tokens": [...]}
 * POST /admin/static-tokens              {"client_id", "expires_at"?}          → 201 static token + "secret"
 * GET  /admin/static-tokens/{id}                                  → 200 static token
 * POST /admin/static-tokens/{id}/rotate  {"overlap_seconds"?, "expires_at"?}   → 201 new token + "secret" + "replaces"
 * POST /admin/static-tokens/{id}/revoke                           → 200 static token
 * </pre>
 *
 * A rotation issues a new token for the same client and lets the old one work for {@code
 * overlap_seconds} more (default one day, 0 ends it now; never longer than it would have);
 * {@code expires_at} is the new token's. Rotating creates a resource, so it honours {@code
 * Idempotency-Key} like a creation.
 */
public final class StaticTokensAdminEndpoint implements Endpoint {
  static final String BASE = "/admin/static-tokens";
  private static final List<String> CREATE_FIELDS = List.of("client_id", "expires_at");
  static final List<String> ROTATE_FIELDS = List.of("overlap_seconds", "expires_at");

  private final AdminRoutes routes;
  private final CredentialStore credentials;
  private final CredentialRefresh refresh;
  private final Clock clock;

  public StaticTokensAdminEndpoint(AdminRoutes routes, CredentialStore credentials, Runnable refresh, Clock clock) {
    this.routes = Objects.requireNonNull(routes, "routes");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.refresh = new CredentialRefresh(refresh);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  private record Rotated(IssuedSecret<StaticToken> issued, StaticToken replaced) {}

  @Override
  public void mount(Router router) {
    routes.get(router, BASE, Access.READ, ctx -> AdminJson.respond(ctx, 200,
        () -> credentials.listStaticTokens(CredentialInput.clientFilter(ctx)),
        all -> AdminResources.list("static_tokens", all, AdminResources::staticToken)));
    routes.create(router, BASE, Access.OPERATE, this::create);
    routes.get(router, BASE + "/:id", Access.READ, ctx -> AdminJson.respondTagged(ctx, () -> find(ctx.pathParam("id")),
        AdminResources::staticToken));
    routes.create(router, BASE + "/:id/rotate", Access.OPERATE, this::rotate);
    routes.post(router, BASE + "/:id/revoke", Access.OPERATE, this::revoke);
  }

  private void create(RoutingContext ctx) {
    AdminJson.created(ctx, () -> {
      JsonObject body = AdminBody.read(ctx, CREATE_FIELDS);
      IssuedSecret<StaticToken> issued = credentials.createStaticToken(CredentialInput.id(body, "client_id"),
          CredentialInput.expiresAt(body, clock));
      refresh.afterWrite();
      return issued;
    }, issued -> AdminResources.issued(issued, AdminResources::staticToken), issued -> BASE + "/" + issued.record().id());
  }

  private void rotate(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    AdminJson.created(ctx, () -> {
      JsonObject body = AdminBody.read(ctx, ROTATE_FIELDS);
      IssuedSecret<StaticToken> issued = credentials.rotateStaticToken(id, CredentialInput.overlap(body),
          CredentialInput.expiresAt(body, clock));
      refresh.afterWrite();
      return new Rotated(issued, find(id));
    }, r -> AdminResources.rotated(r.issued(), r.replaced(), AdminResources::staticToken), r -> BASE + "/" + r.issued().record().id());
  }

  private void revoke(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    AdminJson.respond(ctx, 200, () -> {
      credentials.revokeStaticToken(id); // already revoked: the same answer, the first revocation time kept
      refresh.afterWrite();
      return find(id);
    }, AdminResources::staticToken);
  }

  private StaticToken find(String id) {
    return credentials.findStaticToken(id).orElseThrow(() -> new NotFoundException("no static token with id '" + id + "'"));
  }
}
