package dev.toolgate.server.admin;

import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.admin.AdminRole.Access;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.store.ClientKind;
import dev.toolgate.server.store.ClientOverview;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.NotFoundException;
import dev.toolgate.server.store.OAuthClientStore;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Objects;

/**
 * Clients on the admin API (admin-token authenticated): create them as {@code toolgate client
 * create} does, and see and disable any, above all the ones that registered themselves ({@code POST
 * /oauth/register}):
 *
 * <pre>
 * POST /admin/clients  {"name", "platform"}                  → 201 client
 * GET  /admin/clients[?registration=admin|dynamic]  → 200 {"clients": [client…]}
 * GET  /admin/clients/{id}                          → 200 client
 * POST /admin/clients/{id}/disable                  → 200 client
 * POST /admin/clients/{id}/enable                   → 200 client
 * </pre>
 *
 * A client is {@code {"id", "name", "platform", "enabled", "created_at", "registration",
 * "application_type", "redirect_uris", "auth_methods", "scopes"}} (times in RFC 3339;
 * {@code redirect_uris}, {@code auth_methods} and {@code scopes} are null when its stored settings
 * are unusable). Disabling stops every credential of the client at once on this instance (within a
 * second elsewhere): tokens it requests, its refresh tokens and codes not yet exchanged. Secrets are
 * never returned. A name is 1-64 letters, digits, '.', '_' or '-', unique; the platform must be one
 * the configuration in force uses ({@link KnownNames}).
 */
public final class ClientAdminEndpoint implements Endpoint {
  private final AdminRoutes routes;
  private final CredentialStore credentials;
  private final OAuthClientStore oauth;
  private final KnownNames names;
  private final Runnable refresh;

  /** @param refresh makes a change visible to this instance at once (blocking; called on a worker thread) */
  public ClientAdminEndpoint(AdminRoutes routes, CredentialStore credentials, OAuthClientStore oauth, KnownNames names, Runnable refresh) {
    this.routes = Objects.requireNonNull(routes, "routes");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.oauth = Objects.requireNonNull(oauth, "oauth");
    this.names = Objects.requireNonNull(names, "names");
    this.refresh = Objects.requireNonNull(refresh, "refresh");
  }

  @Override
  public void mount(Router router) {
    routes.get(router, "/admin/clients", Access.READ, this::list);
    routes.create(router, "/admin/clients", Access.OPERATE, this::create);
    routes.get(router, "/admin/clients/:id", Access.READ, this::get);
    routes.post(router, "/admin/clients/:id/disable", Access.OPERATE, ctx -> setEnabled(ctx, false));
    routes.post(router, "/admin/clients/:id/enable", Access.OPERATE, ctx -> setEnabled(ctx, true));
  }

  private void list(RoutingContext ctx) {
    List<String> filter = ctx.queryParam("registration");
    AdminJson.respond(ctx, 200, () -> {
      if (filter.size() > 1) {
        throw new IllegalArgumentException("registration is given more than once");
      }
      ClientKind.Registration only = filter.isEmpty() ? null : ClientKind.Registration.parse(filter.get(0))
          .orElseThrow(() -> new IllegalArgumentException("registration must be admin or dynamic"));
      return oauth.listClients(only);
    }, (List<ClientOverview> all) -> AdminResources.list("clients", all, AdminResources::client));
  }

  private void create(RoutingContext ctx) {
    AdminJson.created(ctx, () -> {
      JsonObject body = AdminBody.read(ctx, List.of("name", "platform"));
      String name = AdminJson.string(body, "name", true);
      if (!KnownNames.CLIENT_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("name must be 1-64 characters of letters, digits, '.', '_' or '-'");
      }
      String platform = AdminJson.string(body, "platform", true);
      names.requirePlatform("platform", platform);
      ClientRecord created = credentials.createClient(name, platform); // a taken name: 409
      new CredentialRefresh(refresh).afterWrite(); // a failed reload must not turn a stored creation into a retry
      return find(created.id());
    }, AdminResources::client, client -> "/admin/clients/" + client.client().id());
  }

  private void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    AdminJson.respondTagged(ctx, () -> find(id), AdminResources::client);
  }

  private void setEnabled(RoutingContext ctx, boolean enabled) {
    String id = ctx.pathParam("id");
    AdminJson.respond(ctx, 200, () -> {
      find(id); // 404 before anything is written
      credentials.setClientEnabled(id, enabled);
      refresh.run();
      return find(id);
    }, AdminResources::client);
  }

  private ClientOverview find(String id) {
    return oauth.findClient(id).orElseThrow(() -> new NotFoundException("no client with id '" + id + "'"));
  }
}
