package dev.toolgate.server.cli;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.server.admin.AdminResources;
import dev.toolgate.server.admin.OpaqueIdsAdminEndpoint;
import dev.toolgate.server.users.OpaqueIds;
import dev.toolgate.server.users.PasswordHasher;
import dev.toolgate.server.users.PasswordPolicy;
import dev.toolgate.server.users.User;
import dev.toolgate.server.users.UserStore;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "user", mixinStandardHelpOptions = true,
    description = {"Manage end users: who logs in at POST /auth/customer_authenticate, whose platform ids tools bind.",
        "Passwords are hashed with Argon2id and never taken from the command line."},
    subcommands = {UserCommand.Create.class, UserCommand.List.class, UserCommand.Disable.class, UserCommand.Enable.class,
        UserCommand.ResetPassword.class, UserCommand.Map.class, UserCommand.OpaqueId.class, UserCommand.Resolve.class, UserCommand.RotateOpaqueKey.class})
final class UserCommand {

  /** Where a password comes from: an environment variable, or standard input (prompted on a terminal). */
  static final class PasswordSource {
    @Option(names = "--password-env", paramLabel = "VAR",
        description = "Read the password from this environment variable (default: standard input).")
    String env;

    String read() {
      try {
        return readOrFail();
      } catch (IOException e) {
        throw UserError.failure("cannot read the password from standard input: " + e.getMessage());
      }
    }

    private String readOrFail() throws IOException {
      String password;
      if (env != null) {
        password = Secrets.fromEnv("--password-env", env);
      } else if (System.console() != null && System.in.available() == 0) {
        Console console = System.console();
        char[] first = console.readPassword("Password: ");
        char[] again = console.readPassword("Repeat password: ");
        if (first == null || again == null || !Arrays.equals(first, again)) {
          throw UserError.usage("the passwords do not match");
        }
        password = new String(first);
        Arrays.fill(first, ' ');
        Arrays.fill(again, ' ');
      } else {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        password = in.readLine();
        if (password == null || password.isEmpty()) {
          throw UserError.usage("no password on standard input (or use --password-env VAR)");
        }
      }
      try {
        return PasswordPolicy.require(password);
      } catch (IllegalArgumentException e) {
        throw UserError.usage(e.getMessage());
      }
    }
  }

  /** The Argon2id parameters the configuration sets, as the server hashes with them. */
  static PasswordHasher hasher(GatewayConfig loaded) {
    var p = loaded.authorizationServer().passwordHash();
    return new PasswordHasher(new PasswordHasher.Parameters(p.memoryKib(), p.iterations(), p.parallelism()));
  }

  static User find(UserStore users, String idOrName) {
    return users.findUserByIdOrName(idOrName).orElseThrow(() -> notFound(idOrName));
  }

  /** The same through the admin API: the user resource, by id first, then by username, as the store does. */
  static JsonObject find(AdminClient api, String idOrName) {
    java.util.List<JsonObject> all = Json.objects(api.get("/admin/users"), "users");
    String name = UserStore.normalizeUsername(idOrName);
    return all.stream().filter(u -> idOrName.equals(u.getString("id"))).findFirst()
        .or(() -> all.stream().filter(u -> name.equals(u.getString("username"))).findFirst())
        .orElseThrow(() -> notFound(idOrName));
  }

  private static UserError notFound(String idOrName) {
    return UserError.notFound("no user with id or name '" + idOrName + "' (see: toolgate user list)");
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = {"Create a user. The password is read from standard input (first line; prompted twice on a",
          "terminal) or from --password-env VAR; it must be 8-128 characters. With --no-password the user cannot",
          "log in at Toolgate (their platform ids are bound, or a backend mints their tokens); reset-password sets one later."})
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Mixin PasswordSource password;
    @Option(names = "--no-password", description = "Create the user without a password (no login at Toolgate).") boolean noPassword;
    @Parameters(index = "0", paramLabel = "USERNAME", description = "Login name (stored in lower case).") String name;

    @Override
    public Integer call() {
      String username;
      try {
        username = UserStore.requireUsername(name);
      } catch (IllegalArgumentException e) {
        throw UserError.usage(e.getMessage());
      }
      if (noPassword && password.env != null) {
        throw UserError.usage("--no-password and --password-env exclude each other");
      }
      PasswordHasher hasher = where.remote() ? null : hasher(where.config()); // the configuration is checked before the password is asked for
      String secret = noPassword ? null : password.read();
      JsonObject user = where.remote()
          ? where.api().post("/admin/users", new JsonObject().put("username", username).put("password", secret))
          : where.store(s -> AdminResources.user(new UserStore(s.database).createUser(username, secret == null ? User.NO_PASSWORD : hasher.hash(secret))));
      output.print(spec, user, out -> out.println("Created user " + user.getString("id") + " (" + user.getString("username") + ")"));
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List users (never their password hashes).")
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;

    @Override
    public Integer call() {
      JsonObject all = where.remote()
          ? where.api().get("/admin/users")
          : where.store(s -> AdminResources.list("users", new UserStore(s.database).listUsers(), AdminResources::user));
      output.print(spec, all, out -> {
        Table t = new Table("ID", "USERNAME", "DISABLED", "CREATED", "PASSWORD CHANGED");
        Json.objects(all, "users").forEach(u -> t.row(u.getValue("id"), u.getValue("username"), u.getValue("disabled"),
            u.getValue("created_at"), u.getValue("password_changed_at")));
        t.print(out);
      });
      return 0;
    }
  }

  @Command(name = "disable", mixinStandardHelpOptions = true,
      description = {"Disable a user: their logins fail like a wrong password, and a running gateway refuses their",
          "customer tokens and calls naming them (at once on PostgreSQL, within 30 s on SQLite)."})
  static final class Disable implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Parameters(index = "0", paramLabel = "USER", description = "User id or username.") String user;

    @Override
    public Integer call() {
      return setDisabled(spec, where, output, user, true);
    }
  }

  @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a disabled user again.")
  static final class Enable implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Parameters(index = "0", paramLabel = "USER", description = "User id or username.") String user;

    @Override
    public Integer call() {
      return setDisabled(spec, where, output, user, false);
    }
  }

  private static int setDisabled(CommandSpec spec, StoreOrServer where, OutputOption output, String user, boolean disabled) {
    JsonObject u = where.remote()
        ? where.api().post(AdminClient.path("/admin/users/{}/" + (disabled ? "disable" : "enable"), find(where.api(), user).getString("id")), null)
        : where.store(s -> {
          UserStore users = new UserStore(s.database);
          return AdminResources.user(users.setUserDisabled(find(users, user).id(), disabled));
        });
    output.print(spec, u, out -> out.println((disabled ? "Disabled" : "Enabled") + " user " + u.getString("id") + " (" + u.getString("username") + ")"));
    return 0;
  }

  @Command(name = "reset-password", mixinStandardHelpOptions = true,
      description = "Set a new password, read from standard input or --password-env VAR (never the command line).")
  static final class ResetPassword implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Mixin PasswordSource password;
    @Parameters(index = "0", paramLabel = "USER", description = "User id or username.") String user;

    @Override
    public Integer call() {
      JsonObject u;
      if (where.remote()) {
        String id = find(where.api(), user).getString("id");
        u = where.api().post(AdminClient.path("/admin/users/{}/password", id), new JsonObject().put("password", password.read()));
      } else {
        PasswordHasher hasher = hasher(where.config());
        u = where.store(s -> {
          UserStore users = new UserStore(s.database);
          String id = find(users, user).id(); // an unknown user is said before the password is asked for
          return AdminResources.user(users.setPasswordHash(id, hasher.hash(password.read())));
        });
      }
      output.print(spec, u, out -> out.println("Set a new password for user " + u.getString("id") + " (" + u.getString("username") + ")"));
      return 0;
    }
  }

  @Command(name = "map", mixinStandardHelpOptions = true,
      description = "Map a platform's user id (e.g. Sendbird's user_id) to a user, for session tokens and user binding.")
  static final class Map implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Parameters(index = "0", paramLabel = "USER", description = "User id or username.") String user;
    @Option(names = "--platform", required = true, paramLabel = "PLATFORM", description = "Platform name, e.g. sendbird.") String platform;
    @Option(names = "--platform-user-id", required = true, paramLabel = "ID", description = "The platform's id of the user.") String platformUserId;

    @Override
    public Integer call() {
      if (!where.remote()) {
        KnownPlatforms.require(where.config(), platform);
      }
      JsonObject mapped = where.remote()
          ? where.api().post(AdminClient.path("/admin/platforms/{}/users", platform),
              new JsonObject().put("user_id", platformUserId).put("username", find(where.api(), user).getString("username")))
          : where.store(s -> {
            UserStore users = new UserStore(s.database);
            User u = find(users, user);
            return AdminResources.platformUser(users.mapPlatformUser(platform, platformUserId, u.username()), u);
          });
      output.print(spec, mapped, out -> out.println("Mapped " + mapped.getString("platform") + " user_id " + mapped.getString("user_id")
          + " to user " + mapped.getString("toolgate_user_id") + " (" + mapped.getString("username") + ")"));
      return 0;
    }
  }

  @Command(name = "opaque-id", mixinStandardHelpOptions = true,
      description = "Print a user's opaque customer identifier for a platform (created on first use).")
  static final class OpaqueId implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Parameters(index = "0", paramLabel = "USER", description = "User id or username.") String user;
    @Option(names = "--platform", paramLabel = "PLATFORM", description = {"Platform name (default: the configuration's",
        "authorization_server.customer_token.opaque_id_platform, asapp unless set: the id customer tokens carry;",
        "with --server, that server's)."}) String platform;

    @Override
    public Integer call() {
      JsonObject id = where.remote()
          ? where.api().post(AdminClient.path("/admin/users/{}/opaque-id", find(where.api(), user).getString("id")),
              platform == null ? new JsonObject() : new JsonObject().put("platform", platform))
          : where.store(s -> {
            User u = find(new UserStore(s.database), user);
            OpaqueIds ids = new OpaqueIds(s.database, s.box);
            String named = platform != null ? platform : OpaqueIdsAdminEndpoint.defaultPlatform(where.config());
            return AdminResources.opaqueId(ids.resolve(ids.idFor(UserStore.requirePlatform(named), u.id())).orElseThrow(), u);
          });
      output.print(spec, id, out -> out.println(id.getString("opaque_id")));
      return 0;
    }
  }

  @Command(name = "resolve", mixinStandardHelpOptions = true,
      description = {"Say which user an opaque customer identifier stands for (only Toolgate can): e.g. an upstream's",
          "X-Toolgate-User value in a support case."})
  static final class Resolve implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Parameters(index = "0", paramLabel = "OPAQUE_ID", description = "The identifier, e.g. oc1_...") String opaqueId;

    @Override
    public Integer call() {
      JsonObject found = where.remote()
          ? where.api().get(AdminClient.path("/admin/opaque-ids/{}", opaqueId))
          : where.store(s -> {
            OpaqueIds.OpaqueId id = new OpaqueIds(s.database, s.box).resolve(opaqueId)
                .orElseThrow(() -> UserError.notFound("no opaque customer identifier '" + opaqueId + "' was issued by this store"));
            return AdminResources.opaqueId(id, new UserStore(s.database).findUser(id.userId()).orElse(null));
          });
      output.print(spec, found, out -> {
        JsonObject u = found.getJsonObject("user");
        String who = u == null ? found.getString("user_id") + " (no longer exists)"
            : u.getString("id") + " (" + u.getString("username") + (u.getBoolean("disabled") ? ", disabled" : "") + ")";
        out.println(opaqueId + " is user " + who + " on platform " + found.getString("platform") + " (key version " + found.getValue("key_version") + ")");
      });
      return 0;
    }
  }

  @Command(name = "rotate-opaque-key", mixinStandardHelpOptions = true,
      description = {"Make a new key active for opaque customer identifiers. Identifiers already issued stay",
          "the same and keep resolving; only users seen for the first time get one under the new key."})
  static final class RotateOpaqueKey implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;

    @Override
    public Integer call() {
      JsonObject key = where.remote()
          ? where.api().post("/admin/opaque-id-keys/rotate", null)
          : where.store(s -> {
            OpaqueIds ids = new OpaqueIds(s.database, s.box);
            int version = ids.rotateKey();
            return AdminResources.opaqueIdKey(ids.keys().stream().filter(k -> k.version() == version).findFirst().orElseThrow());
          });
      output.print(spec, key, out -> out.println("Opaque id key version " + key.getValue("version") + " is now active"));
      return 0;
    }
  }
}
