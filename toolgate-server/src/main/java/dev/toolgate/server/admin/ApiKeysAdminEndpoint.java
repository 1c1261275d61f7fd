package dev.toolgate.server.admin;

import dev.toolgate.core.port.ApiKey;
import dev.toolgate.server.admin.AdminRole.Access;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.IssuedSecret;
import dev.toolgate.server.store.NotFoundException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * API keys on the admin API, as {@code toolgate apikey create|list|rotate|revoke} manages them:
 *
 * <pre>
 * GET  /admin/api-keys[?client_id=]                               → 200 {"api_keys": [...]}
 * POST /admin/api-keys               {"client_id", "tools", "expires_at"?}     → 201 API key + "secret"
 * GET  /admin/api-keys/{id}                                       → 200 API key
 * POST /admin/api-keys/{id}/rotate   {"overlap_seconds"?, "expires_at"?}       → 201 new key + "secret" + "replaces"
 * POST /admin/api-keys/{id}/revoke                                → 200 API key
 * </pre>
 *
 * {@code tools} names tools of the configuration in force, or is {@code ["*"]} for every tool. A
 * rotation keeps the tools and works as for static tokens ({@link StaticTokensAdminEndpoint}).
 */
public final class ApiKeysAdminEndpoint implements Endpoint {
  static final String BASE = "/admin/api-keys";
  private static final List<String> CREATE_FIELDS = List.of("client_id", "tools", "expires_at");

  private final AdminRoutes routes;
  private final CredentialStore credentials;
  private final KnownNames names;
  private final CredentialRefresh refresh;
  private final Clock clock;

  public ApiKeysAdminEndpoint(AdminRoutes routes, CredentialStore credentials, KnownNames names, Runnable refresh, Clock clock) {
    this.routes = Objects.requireNonNull(routes, "routes");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.names = Objects.requireNonNull(names, "names");
    this.refresh = new CredentialRefresh(refresh);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  private record Rotated(IssuedSecret<ApiKey> issued, ApiKey replaced) {}

  @Override
  public void mount(Router router) {
    routes.get(router, BASE, Access.READ, ctx -> AdminJson.respond(ctx, 200,
        () -> credentials.listApiKeys(CredentialInput.clientFilter(ctx)),
        all -> AdminResources.list("api_keys", all, AdminResources::apiKey)));
    routes.create(router, BASE, Access.OPERATE, this::create);
    routes.get(router, BASE + "/:id", Access.READ, ctx -> AdminJson.respondTagged(ctx, () -> find(ctx.pathParam("id")),
        AdminResources::apiKey));
    routes.create(router, BASE + "/:id/rotate", Access.OPERATE, this::rotate);
    routes.post(router, BASE + "/:id/revoke", Access.OPERATE, this::revoke);
  }

  private void create(RoutingContext ctx) {
    AdminJson.created(ctx, () -> {
      JsonObject body = AdminBody.read(ctx, CREATE_FIELDS);
      String clientId = CredentialInput.id(body, "client_id");
      Set<String> tools = tools(body);
      IssuedSecret<ApiKey> issued = credentials.createApiKey(clientId, tools, CredentialInput.expiresAt(body, clock));
      refresh.afterWrite();
      return issued;
    }, issued -> AdminResources.issued(issued, AdminResources::apiKey), issued -> BASE + "/" + issued.record().id());
  }

  /** {@code ["*"]}, or names of configured tools (repeats are kept once). */
  private Set<String> tools(JsonObject body) {
    if (!(body.getValue("tools") instanceof JsonArray array)) {
      throw new IllegalArgumentException(body.getValue("tools") == null
          ? "tools is required: the tools the key may call, or [\"*\"] for every tool" : "tools must be an array of tool names");
    }
    Set<String> tools = new LinkedHashSet<>();
    for (Object tool : array) {
      if (!(tool instanceof String name)) {
        throw new IllegalArgumentException("tools must be an array of tool names (strings)");
      }
      tools.add(name);
    }
    if (tools.isEmpty()) {
      throw new IllegalArgumentException("tools must name at least one tool, or be [\"*\"] for every tool");
    }
    if (tools.contains(ApiKey.ALL_TOOLS)) {
      if (tools.size() > 1) {
        throw new IllegalArgumentException("tools is either [\"*\"] (every tool) or tool names, not both");
      }
      return tools;
    }
    names.requireTools("tools", tools);
    return tools;
  }

  private void rotate(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    AdminJson.created(ctx, () -> {
      JsonObject body = AdminBody.read(ctx, StaticTokensAdminEndpoint.ROTATE_FIELDS);
      IssuedSecret<ApiKey> issued = credentials.rotateApiKey(id, CredentialInput.overlap(body), CredentialInput.expiresAt(body, clock));
      refresh.afterWrite();
      return new Rotated(issued, find(id));
    }, r -> AdminResources.rotated(r.issued(), r.replaced(), AdminResources::apiKey), r -> BASE + "/" + r.issued().record().id());
  }

  private void revoke(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    AdminJson.respond(ctx, 200, () -> {
      credentials.revokeApiKey(id); // already revoked: the same answer, the first revocation time kept
      refresh.afterWrite();
      return find(id);
    }, AdminResources::apiKey);
  }

  private ApiKey find(String id) {
    return credentials.findApiKey(id).orElseThrow(() -> new NotFoundException("no API key with id '" + id + "'"));
  }
}
