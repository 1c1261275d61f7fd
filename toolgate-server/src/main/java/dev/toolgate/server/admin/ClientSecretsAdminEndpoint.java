package dev.toolgate.server.admin;

import dev.toolgate.server.admin.AdminRole.Access;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.store.ClientSecret;
import dev.toolgate.server.store.NotFoundException;
import dev.toolgate.server.store.OAuthClientStore;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * OAuth client secrets ({@code client_secret_basic} / {@code client_secret_post}) on the admin API,
 * what {@code toolgate client-secret} does:
 *
 * <pre>
 * GET  /admin/client-secrets[?client_id=]                  → 200 {"client_secrets": [...]}
 * POST /admin/client-secrets  {"client_id", "expires_at"?} → 201 client secret + "secret"
 * GET  /admin/client-secrets/{id}                          → 200 client secret + ETag
 * POST /admin/client-secrets/{id}/revoke                   → 200 client secret
 * </pre>
 *
 * The value ({@code tgc_…}) is in the creation answer only; the store keeps its digest. Revoking
 * one already revoked answers the same, with the first revocation time.
 */
public final class ClientSecretsAdminEndpoint implements Endpoint {
  private static final String BASE = "/admin/client-secrets";
  private final AdminRoutes routes;
  private final OAuthClientStore oauth;
  private final CredentialRefresh refresh;
  private final Clock clock;

  /** @param refresh makes a change visible to this instance at once (blocking; called on a worker thread) */
  public ClientSecretsAdminEndpoint(AdminRoutes routes, OAuthClientStore oauth, Runnable refresh, Clock clock) {
    this.routes = Objects.requireNonNull(routes, "routes");
    this.oauth = Objects.requireNonNull(oauth, "oauth");
    this.refresh = new CredentialRefresh(refresh);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void mount(Router router) {
    routes.get(router, BASE, Access.READ, this::list);
    routes.create(router, BASE, Access.OPERATE, this::create);
    routes.get(router, BASE + "/:id", Access.READ, ctx -> AdminJson.respondTagged(ctx, () -> find(ctx.pathParam("id")),
        AdminResources::clientSecret));
    routes.post(router, BASE + "/:id/revoke", Access.OPERATE, this::revoke);
  }

  private void list(RoutingContext ctx) {
    AdminJson.respond(ctx, 200, () -> {
      String clientId = CredentialInput.clientFilter(ctx);
      return clientId == null ? oauth.listAllClientSecrets() : oauth.listClientSecrets(clientId); // 404 for an unknown client
    }, (List<ClientSecret> all) -> AdminResources.list("client_secrets", all, AdminResources::clientSecret));
  }

  private void create(RoutingContext ctx) {
    AdminJson.created(ctx, () -> {
      JsonObject body = AdminBody.read(ctx, List.of("client_id", "expires_at"));
      String clientId = CredentialInput.id(body, "client_id");
      Instant expires = CredentialInput.expiresAt(body, clock);
      var issued = oauth.createClientSecret(clientId, expires); // 404 for an unknown client
      refresh.afterWrite();
      return issued;
    }, issued -> AdminResources.issued(issued, AdminResources::clientSecret), issued -> BASE + "/" + issued.record().id());
  }

  private void revoke(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    AdminJson.respond(ctx, 200, () -> {
      oauth.revokeClientSecret(id); // 404 for an unknown id; already revoked: the first revocation time stays
      refresh.afterWrite();
      return find(id);
    }, AdminResources::clientSecret);
  }

  private ClientSecret find(String id) {
    return oauth.findClientSecret(id).orElseThrow(() -> new NotFoundException("no client secret with id '" + id + "'"));
  }
}
