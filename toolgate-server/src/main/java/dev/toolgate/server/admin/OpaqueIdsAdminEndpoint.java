package dev.toolgate.server.admin;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.server.admin.AdminRole.Access;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.store.NotFoundException;
import dev.toolgate.server.users.OpaqueIds;
import dev.toolgate.server.users.User;
import dev.toolgate.server.users.UserStore;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Opaque customer identifiers on the admin API, as {@code toolgate user opaque-id | resolve |
 * rotate-opaque-key} do them:
 *
 * <pre>
 * POST /admin/users/{id}/opaque-id     {"platform"?}  → 200 opaque id   (operate; platform: see below)
 * GET  /admin/opaque-ids/{opaque_id}                  → 200 opaque id   (read)
 * POST /admin/opaque-id-keys/rotate                   → 201 key         (operate; honours Idempotency-Key)
 * GET  /admin/opaque-id-keys                          → 200 {"opaque_id_keys": [key…]}
 * GET  /admin/opaque-id-keys/{version}                → 200 key
 * </pre>
 *
 * An opaque id is {@code {"opaque_id", "platform", "user_id", "key_version", "user"}}; a key is
 * {@code {"version", "active", "master_key_id", "created_at"}} (never its bytes). Asking for a
 * user's identifier creates it on first use and answers the same one ever after, so a repeated
 * request changes nothing. Without {@code platform}, the platform is the configuration's {@code
 * authorization_server.customer_token.opaque_id_platform} ({@code asapp} unless set): the one whose
 * identifier customer tokens carry and its tools forward, so the answer is the id upstreams see. A
 * rotation makes a new key active for pairs seen from then on; identifiers already issued stay and
 * keep resolving.
 */
public final class OpaqueIdsAdminEndpoint implements Endpoint {
  private final AdminRoutes routes;
  private final UserStore users;
  private final OpaqueIds ids;
  private final Supplier<GatewayConfig> config;

  /** @param config the configuration in force now: its customer tokens' opaque-id platform is the default */
  public OpaqueIdsAdminEndpoint(AdminRoutes routes, UserStore users, OpaqueIds ids, Supplier<GatewayConfig> config) {
    this.routes = Objects.requireNonNull(routes, "routes");
    this.users = Objects.requireNonNull(users, "users");
    this.ids = Objects.requireNonNull(ids, "ids");
    this.config = Objects.requireNonNull(config, "config");
  }

  /** The platform of an opaque id asked for without one. */
  public static String defaultPlatform(GatewayConfig config) {
    return config.authorizationServer().customerToken().opaqueIdPlatform();
  }

  @Override
  public void mount(Router router) {
    routes.post(router, "/admin/users/:id/opaque-id", Access.OPERATE, this::idFor);
    routes.get(router, "/admin/opaque-ids/:opaque_id", Access.READ, this::resolve);
    routes.create(router, "/admin/opaque-id-keys/rotate", Access.OPERATE, this::rotate);
    routes.get(router, "/admin/opaque-id-keys", Access.READ, this::keys);
    routes.get(router, "/admin/opaque-id-keys/:version", Access.READ, this::key);
  }

  private record Resolved(OpaqueIds.OpaqueId id, User user) {}

  private void idFor(RoutingContext ctx) {
    String userId = ctx.pathParam("id");
    AdminJson.respond(ctx, 200, () -> {
      String platform = AdminJson.string(AdminBody.read(ctx, List.of("platform")), "platform", false);
      platform = UserStore.requirePlatform(platform == null ? defaultPlatform(config.get()) : platform);
      User user = users.findUser(userId).orElseThrow(() -> new NotFoundException("no user with id '" + userId + "'"));
      String opaqueId = ids.idFor(platform, user.id());
      return new Resolved(ids.resolve(opaqueId).orElseThrow(), user);
    }, r -> AdminResources.opaqueId(r.id(), r.user()));
  }

  private void resolve(RoutingContext ctx) {
    String opaqueId = ctx.pathParam("opaque_id");
    AdminJson.respond(ctx, 200, () -> {
      OpaqueIds.OpaqueId found = ids.resolve(opaqueId)
          .orElseThrow(() -> new NotFoundException("no opaque customer identifier '" + opaqueId + "' was issued by this store"));
      return new Resolved(found, users.findUser(found.userId()).orElse(null));
    }, r -> AdminResources.opaqueId(r.id(), r.user()));
  }

  private void rotate(RoutingContext ctx) {
    AdminJson.created(ctx, () -> find(ids.rotateKey()), AdminResources::opaqueIdKey, key -> "/admin/opaque-id-keys/" + key.version());
  }

  private void keys(RoutingContext ctx) {
    AdminJson.respond(ctx, 200, ids::keys, all -> AdminResources.list("opaque_id_keys", all, AdminResources::opaqueIdKey));
  }

  private void key(RoutingContext ctx) {
    String version = ctx.pathParam("version");
    AdminJson.respondTagged(ctx, () -> {
      if (!version.matches("[1-9][0-9]{0,8}")) {
        throw new NotFoundException("no opaque id key version '" + version + "'");
      }
      return find(Integer.parseInt(version));
    }, AdminResources::opaqueIdKey);
  }

  private OpaqueIds.KeyInfo find(int version) {
    return ids.keys().stream().filter(k -> k.version() == version).findFirst()
        .orElseThrow(() -> new NotFoundException("no opaque id key version " + version));
  }
}
