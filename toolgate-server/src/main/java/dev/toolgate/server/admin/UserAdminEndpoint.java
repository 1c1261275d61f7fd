package dev.toolgate.server.admin;

import dev.toolgate.server.admin.AdminRole.Access;
import dev.toolgate.server.users.CustomerTokens;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.store.NotFoundException;
import dev.toolgate.server.store.StoreConflictException;
import dev.toolgate.server.users.PasswordHasher;
import dev.toolgate.server.users.PasswordPolicy;
import dev.toolgate.server.users.User;
import dev.toolgate.server.users.UserStore;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Objects;

/**
 * The user directory on the admin API (admin-token authenticated):
 *
 * <pre>
 * POST /admin/users                  {"username", "password"?} → 201 user (without a password: no login)
 * GET  /admin/users                                            → 200 {"users": [user…]}
 * GET  /admin/users/{id}                                       → 200 user
 * POST /admin/users/{id}/disable                               → 200 user
 * POST /admin/users/{id}/enable                                → 200 user
 * POST /admin/users/{id}/password    {"password"}              → 200 user
 * POST /admin/users/{id}/customer-token  {"tool"?}             → 200 {"issued_at", "JWT", "expires_in"}
 * </pre>
 *
 * <p>{@code customer-token} is for a backend that signed the user in itself (Sendbird's flow: it
 * puts the JWT in the messenger {@code context}): the same token customer login issues, without the
 * user's password, optionally minted for one tool alone. A disabled user gets 409.
 *
 * A user is {@code {"id", "username", "disabled", "created_at", "password_changed_at"}} (times in
 * RFC 3339); the password hash is never returned. Passwords must be 8-128 characters and are
 * hashed with Argon2id on a worker thread.
 */
public final class UserAdminEndpoint implements Endpoint {
  private final AdminRoutes routes;
  private final UserStore users;
  private final PasswordHasher hasher;
  private final CustomerTokens tokens;

  /** What this instance forgets of a user it changed, so the change holds here at once (elsewhere: as the store announces it). */
  private final java.util.function.Consumer<String> forgetUser;

  public UserAdminEndpoint(AdminRoutes routes, UserStore users, PasswordHasher hasher, CustomerTokens tokens) {
    this(routes, users, hasher, tokens, id -> {});
  }

  public UserAdminEndpoint(AdminRoutes routes, UserStore users, PasswordHasher hasher, CustomerTokens tokens,
      java.util.function.Consumer<String> forgetUser) {
    this.forgetUser = Objects.requireNonNull(forgetUser, "forgetUser");
    this.routes = Objects.requireNonNull(routes, "routes");
    this.users = Objects.requireNonNull(users, "users");
    this.hasher = Objects.requireNonNull(hasher, "hasher");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
  }

  @Override
  public void mount(Router router) {
    routes.create(router, "/admin/users", Access.OPERATE, this::create);
    routes.get(router, "/admin/users", Access.READ, this::list);
    routes.get(router, "/admin/users/:id", Access.READ, this::get);
    routes.post(router, "/admin/users/:id/disable", Access.OPERATE, ctx -> setDisabled(ctx, true));
    routes.post(router, "/admin/users/:id/enable", Access.OPERATE, ctx -> setDisabled(ctx, false));
    routes.post(router, "/admin/users/:id/password", Access.OPERATE, this::setPassword);
    routes.post(router, "/admin/users/:id/customer-token", Access.MINT_CUSTOMER_TOKEN, this::customerToken);
  }

  private void create(RoutingContext ctx) {
    AdminJson.created(ctx, () -> {
      JsonObject body = AdminBody.read(ctx, List.of("username", "password"));
      String username = UserStore.requireUsername(AdminJson.string(body, "username", true));
      String password = AdminJson.string(body, "password", false); // absent: a user who never logs in at Toolgate
      if (password != null) {
        PasswordPolicy.require(password);
      }
      if (users.findUserByUsername(username).isPresent()) { // spares a hash; the UNIQUE constraint decides
        throw new StoreConflictException("a user named '" + username + "' already exists");
      }
      return users.createUser(username, password == null ? User.NO_PASSWORD : hasher.hash(password));
    }, AdminResources::user, user -> "/admin/users/" + user.id());
  }

  private void list(RoutingContext ctx) {
    AdminJson.respond(ctx, 200, users::listUsers, all -> AdminResources.list("users", all, AdminResources::user));
  }

  private void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    AdminJson.respondTagged(ctx, () -> users.findUser(id).orElseThrow(() -> new NotFoundException("no user with id '" + id + "'")),
        AdminResources::user);
  }

  private void setDisabled(RoutingContext ctx, boolean disabled) {
    String id = ctx.pathParam("id");
    AdminJson.respond(ctx, 200, () -> {
      User changed = users.setUserDisabled(id, disabled);
      forgetUser.accept(id);
      return changed;
    }, AdminResources::user);
  }

  private void setPassword(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    AdminJson.respond(ctx, 200, () -> {
      String password = PasswordPolicy.require(AdminJson.string(AdminBody.read(ctx, List.of("password")), "password", true));
      if (users.findUser(id).isEmpty()) {
        throw new NotFoundException("no user with id '" + id + "'");
      }
      User changed = users.setPasswordHash(id, hasher.hash(password));
      forgetUser.accept(id); // tokens issued before the change stop at once here
      return changed;
    }, AdminResources::user);
  }

  private void customerToken(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    AdminJson.respond(ctx, 200, () -> {
      // Strict: without "tool" the token is for the whole configured audience, so a misspelt field must not widen it.
      String tool = AdminJson.string(AdminBody.read(ctx, List.of("tool")), "tool", false);
      if (tool != null && !tokens.mintsFor(tool)) {
        throw new IllegalArgumentException("tool '" + tool + "' is not a tool that takes user tokens");
      }
      User user = users.findUser(id).orElseThrow(() -> new NotFoundException("no user with id '" + id + "'"));
      if (user.disabled()) {
        throw new StoreConflictException("user '" + id + "' is disabled");
      }
      return tokens.issue(user, tool);
    }, token -> token);
  }
}
