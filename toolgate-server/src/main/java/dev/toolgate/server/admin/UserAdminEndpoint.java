package dev.toolgate.server.admin;

import dev.toolgate.server.users.CustomerTokens;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.store.NotFoundException;
import dev.toolgate.server.store.StoreConflictException;
import dev.toolgate.server.users.PasswordHasher;
import dev.toolgate.server.users.PasswordPolicy;
import dev.toolgate.server.users.User;
import dev.toolgate.server.users.UserStore;
import io.vertx.core.json.JsonArray;
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
 * epoch ms); the password hash is never returned. Passwords must be 8-128 characters and are
 * hashed with Argon2id on a worker thread.
 */
public final class UserAdminEndpoint implements Endpoint {
  private final AdminAuth auth;
  private final UserStore users;
  private final PasswordHasher hasher;
  private final CustomerTokens tokens;

  public UserAdminEndpoint(AdminAuth auth, UserStore users, PasswordHasher hasher, CustomerTokens tokens) {
    this.auth = Objects.requireNonNull(auth, "auth");
    this.users = Objects.requireNonNull(users, "users");
    this.hasher = Objects.requireNonNull(hasher, "hasher");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
  }

  @Override
  public void mount(Router router) {
    router.post("/admin/users").handler(AdminJson.bodyHandler()).handler(auth).handler(this::create).failureHandler(AdminProblems::failed);
    router.get("/admin/users").handler(auth).handler(this::list).failureHandler(AdminProblems::failed);
    router.get("/admin/users/:id").handler(auth).handler(this::get).failureHandler(AdminProblems::failed);
    router.post("/admin/users/:id/disable").handler(AdminJson.bodyHandler()).handler(auth)
        .handler(ctx -> setDisabled(ctx, true)).failureHandler(AdminProblems::failed);
    router.post("/admin/users/:id/enable").handler(AdminJson.bodyHandler()).handler(auth)
        .handler(ctx -> setDisabled(ctx, false)).failureHandler(AdminProblems::failed);
    router.post("/admin/users/:id/password").handler(AdminJson.bodyHandler()).handler(auth)
        .handler(this::setPassword).failureHandler(AdminProblems::failed);
    router.post("/admin/users/:id/customer-token").handler(AdminJson.bodyHandler()).handler(auth)
        .handler(this::customerToken).failureHandler(AdminProblems::failed);
  }

  private void create(RoutingContext ctx) {
    AdminJson.respond(ctx, 201, () -> {
      JsonObject body = AdminJson.body(ctx);
      String username = UserStore.requireUsername(AdminJson.string(body, "username", true));
      String password = AdminJson.string(body, "password", false); // absent: a user who never logs in at Toolgate
      if (password != null) {
        PasswordPolicy.require(password);
      }
      if (users.findUserByUsername(username).isPresent()) { // spares a hash; the UNIQUE constraint decides
        throw new StoreConflictException("a user named '" + username + "' already exists");
      }
      return users.createUser(username, password == null ? User.NO_PASSWORD : hasher.hash(password));
    }, user -> {
      ctx.response().putHeader("location", "/admin/users/" + user.id());
      return json(user);
    });
  }

  private void list(RoutingContext ctx) {
    AdminJson.respond(ctx, 200, users::listUsers, (List<User> all) -> {
      JsonArray array = new JsonArray();
      all.forEach(u -> array.add(json(u)));
      return new JsonObject().put("users", array);
    });
  }

  private void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    AdminJson.respond(ctx, 200, () -> users.findUser(id).orElseThrow(() -> new NotFoundException("no user with id '" + id + "'")),
        UserAdminEndpoint::json);
  }

  private void setDisabled(RoutingContext ctx, boolean disabled) {
    String id = ctx.pathParam("id");
    AdminJson.respond(ctx, 200, () -> users.setUserDisabled(id, disabled), UserAdminEndpoint::json);
  }

  private void setPassword(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    AdminJson.respond(ctx, 200, () -> {
      String password = PasswordPolicy.require(AdminJson.string(AdminJson.body(ctx), "password", true));
      if (users.findUser(id).isEmpty()) {
        throw new NotFoundException("no user with id '" + id + "'");
      }
      return users.setPasswordHash(id, hasher.hash(password));
    }, UserAdminEndpoint::json);
  }

  private void customerToken(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    AdminJson.respond(ctx, 200, () -> {
      String tool = AdminJson.string(AdminJson.body(ctx), "tool", false);
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

  static JsonObject json(User user) {
    return new JsonObject()
        .put("id", user.id())
        .put("username", user.username())
        .put("disabled", user.disabled())
        .put("has_password", user.hasPassword())
        .put("created_at", AdminJson.millis(user.createdAt()))
        .put("password_changed_at", AdminJson.millis(user.passwordChangedAt()));
  }
}
