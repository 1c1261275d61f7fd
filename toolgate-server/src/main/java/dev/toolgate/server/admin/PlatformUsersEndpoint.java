package dev.toolgate.server.admin;

import dev.toolgate.server.admin.AdminRole.Access;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.store.IssuedSecret;
import dev.toolgate.server.store.NotFoundException;
import dev.toolgate.server.users.PlatformUser;
import dev.toolgate.server.users.SessionToken;
import dev.toolgate.server.users.User;
import dev.toolgate.server.users.UserStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Platform users and their session tokens on the admin API, in the style of Sendbird's Platform
 * API (admin-token authenticated). {@code {platform}} is a platform name ({@code sendbird}),
 * {@code {user_id}} the platform's own user id.
 *
 * <pre>
 * POST   /admin/platforms/{platform}/users                      {"user_id", "username"} → 200 platform user
 * GET    /admin/platforms/{platform}/users/{user_id}                                    → 200 platform user
 * POST   /admin/platforms/{platform}/users/{user_id}/token      {"expires_at"?}        → 200 {"token", "expires_at", "token_id"}
 * GET    /admin/platforms/{platform}/users/{user_id}/token                              → 200 {"tokens": [...]}
 * DELETE /admin/platforms/{platform}/users/{user_id}/token/{token_id}                   → 200 {"token_id", "revoked"}
 * DELETE /admin/platforms/{platform}/users/{user_id}/token                              → 200 {"revoked": n}
 * </pre>
 *
 * A platform user is {@code {"platform", "user_id", "toolgate_user_id", "username", "created_at"}}.
 * Mapping the same user_id to the same user again answers the existing mapping. A session token's
 * value ({@code tgu_…}) is in the creation response only; {@code expires_at} (epoch ms) defaults
 * to 7 days from now, must be in the future and at most 365 days away.
 */
public final class PlatformUsersEndpoint implements Endpoint {
  private static final String BASE = "/admin/platforms/:platform/users";

  private final AdminRoutes routes;
  private final UserStore users;
  private final Clock clock;

  public PlatformUsersEndpoint(AdminRoutes routes, UserStore users, Clock clock) {
    this.routes = Objects.requireNonNull(routes, "routes");
    this.users = Objects.requireNonNull(users, "users");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void mount(Router router) {
    routes.post(router, BASE, Access.OPERATE, this::map); // answers the existing mapping again: idempotent by itself
    routes.get(router, BASE + "/:user_id", Access.READ, this::get);
    routes.post(router, BASE + "/:user_id/token", Access.MINT_CUSTOMER_TOKEN, this::issue); // Sendbird-shaped: the value is in "token"
    routes.get(router, BASE + "/:user_id/token", Access.READ, this::listTokens);
    routes.delete(router, BASE + "/:user_id/token/:token_id", Access.OPERATE, this::revokeOne);
    routes.delete(router, BASE + "/:user_id/token", Access.OPERATE, this::revokeAll);
  }

  private void map(RoutingContext ctx) {
    String platform = ctx.pathParam("platform");
    AdminJson.respond(ctx, 200, () -> {
      JsonObject body = AdminBody.readAnyFields(ctx);
      String platformUserId = AdminJson.string(body, "user_id", true);
      String username = AdminJson.string(body, "username", true);
      PlatformUser mapped = users.mapPlatformUser(platform, platformUserId, username);
      return AdminResources.platformUser(mapped, users.findUser(mapped.userId()).orElse(null));
    }, json -> json);
  }

  private void get(RoutingContext ctx) {
    String platform = ctx.pathParam("platform");
    String platformUserId = ctx.pathParam("user_id");
    AdminJson.respond(ctx, 200, () -> {
      PlatformUser mapped = users.findPlatformUser(platform, platformUserId)
          .orElseThrow(() -> new NotFoundException("no user_id '" + platformUserId + "' on platform " + platform));
      return AdminResources.platformUser(mapped, users.findUser(mapped.userId()).orElse(null));
    }, json -> json);
  }

  private void issue(RoutingContext ctx) {
    String platform = ctx.pathParam("platform");
    String platformUserId = ctx.pathParam("user_id");
    AdminJson.respond(ctx, 200, () -> {
      Long expiresAt = AdminJson.integer(AdminBody.readAnyFields(ctx), "expires_at");
      return users.createSessionToken(platform, platformUserId, expiresAt == null ? null : Instant.ofEpochMilli(expiresAt));
    }, AdminResources::sessionTokenIssued);
  }

  private void listTokens(RoutingContext ctx) {
    String platform = ctx.pathParam("platform");
    String platformUserId = ctx.pathParam("user_id");
    AdminJson.respond(ctx, 200, () -> users.listSessionTokens(platform, platformUserId),
        tokens -> AdminResources.sessionTokens(tokens, clock.instant()));
  }

  private void revokeOne(RoutingContext ctx) {
    String platform = ctx.pathParam("platform");
    String platformUserId = ctx.pathParam("user_id");
    String tokenId = ctx.pathParam("token_id");
    AdminJson.respond(ctx, 200, () -> users.revokeSessionToken(platform, platformUserId, tokenId),
        revoked -> AdminResources.sessionTokenRevoked(tokenId, revoked));
  }

  private void revokeAll(RoutingContext ctx) {
    String platform = ctx.pathParam("platform");
    String platformUserId = ctx.pathParam("user_id");
    AdminJson.respond(ctx, 200, () -> users.revokeAllSessionTokens(platform, platformUserId),
        AdminResources::sessionTokensRevoked);
  }
}
