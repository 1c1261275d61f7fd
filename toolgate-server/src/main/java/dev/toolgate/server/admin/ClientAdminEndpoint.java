package dev.toolgate.server.admin;

import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.store.ClientKind;
import dev.toolgate.server.store.ClientOverview;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.NotFoundException;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.server.store.OAuthSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Objects;

/**
 * Clients on the admin API (admin-token authenticated), above all to see and revoke the ones that
 * registered themselves ({@code POST /oauth/register}):
 *
 * <pre>
 * GET  /admin/clients[?registration=admin|dynamic]  → 200 {"clients": [client…]}
 * GET  /admin/clients/{id}                          → 200 client
 * POST /admin/clients/{id}/disable                  → 200 client
 * POST /admin/clients/{id}/enable                   → 200 client
 * </pre>
 *
 * A client is {@code {"id", "name", "platform", "enabled", "created_at", "registration",
 * "application_type", "redirect_uris", "auth_methods", "scopes"}} (time in epoch ms;
 * {@code redirect_uris}, {@code auth_methods} and {@code scopes} are null when its stored settings
 * are unusable). Disabling stops every credential of the client at once on this instance (within a
 * second elsewhere): tokens it requests, its refresh tokens and codes not yet exchanged. Secrets are
 * never returned.
 */
public final class ClientAdminEndpoint implements Endpoint {
  private final AdminAuth auth;
  private final CredentialStore credentials;
  private final OAuthClientStore oauth;
  private final Runnable refresh;

  /** @param refresh makes a change visible to this instance at once (blocking; called on a worker thread) */
  public ClientAdminEndpoint(AdminAuth auth, CredentialStore credentials, OAuthClientStore oauth, Runnable refresh) {
    this.auth = Objects.requireNonNull(auth, "auth");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.oauth = Objects.requireNonNull(oauth, "oauth");
    this.refresh = Objects.requireNonNull(refresh, "refresh");
  }

  @Override
  public void mount(Router router) {
    router.get("/admin/clients").handler(auth).handler(this::list).failureHandler(AdminProblems::failed);
    router.get("/admin/clients/:id").handler(auth).handler(this::get).failureHandler(AdminProblems::failed);
    router.post("/admin/clients/:id/disable").handler(AdminJson.bodyHandler()).handler(auth)
        .handler(ctx -> setEnabled(ctx, false)).failureHandler(AdminProblems::failed);
    router.post("/admin/clients/:id/enable").handler(AdminJson.bodyHandler()).handler(auth)
        .handler(ctx -> setEnabled(ctx, true)).failureHandler(AdminProblems::failed);
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
    }, (List<ClientOverview> all) -> {
      JsonArray array = new JsonArray();
      all.forEach(c -> array.add(json(c)));
      return new JsonObject().put("clients", array);
    });
  }

  private void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    AdminJson.respond(ctx, 200, () -> find(id), ClientAdminEndpoint::json);
  }

  private void setEnabled(RoutingContext ctx, boolean enabled) {
    String id = ctx.pathParam("id");
    AdminJson.respond(ctx, 200, () -> {
      find(id); // 404 before anything is written
      credentials.setClientEnabled(id, enabled);
      refresh.run();
      return find(id);
    }, ClientAdminEndpoint::json);
  }

  private ClientOverview find(String id) {
    return oauth.findClient(id).orElseThrow(() -> new NotFoundException("no client with id '" + id + "'"));
  }

  static JsonObject json(ClientOverview overview) {
    ClientRecord c = overview.client();
    OAuthSettings s = overview.settings();
    return new JsonObject()
        .put("id", c.id())
        .put("name", c.name())
        .put("platform", c.platform())
        .put("enabled", c.enabled())
        .put("created_at", AdminJson.millis(c.createdAt()))
        .put("registration", overview.kind().registration().value())
        .put("application_type", overview.kind().applicationType().value())
        .put("redirect_uris", s == null ? null : new JsonArray(s.redirectUris()))
        .put("auth_methods", s == null ? null : new JsonArray(List.copyOf(s.authMethods())))
        .put("scopes", s == null ? null : new JsonArray(List.copyOf(s.allowedScopes())));
  }
}
