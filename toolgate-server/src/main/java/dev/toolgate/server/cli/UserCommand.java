package dev.toolgate.server.cli;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.server.users.OpaqueIds;
import dev.toolgate.server.users.PasswordHasher;
import dev.toolgate.server.users.PasswordPolicy;
import dev.toolgate.server.users.PlatformUser;
import dev.toolgate.server.users.User;
import dev.toolgate.server.users.UserStore;
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

    String read() throws IOException {
      String password;
      if (env != null) {
        password = Secrets.fromEnv("--password-env", env);
      } else if (System.console() != null && System.in.available() == 0) {
        Console console = System.console();
        char[] first = console.readPassword("Password: ");
        char[] again = console.readPassword("Repeat password: ");
        if (first == null || again == null || !Arrays.equals(first, again)) {
          throw new UserError("the passwords do not match");
        }
        password = new String(first);
        Arrays.fill(first, ' ');
        Arrays.fill(again, ' ');
      } else {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        password = in.readLine();
        if (password == null || password.isEmpty()) {
          throw new UserError("no password on standard input (or use --password-env VAR)");
        }
      }
      try {
        return PasswordPolicy.require(password);
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage());
      }
    }
  }

  /** The Argon2id parameters the configuration sets, as the server hashes with them. */
  static PasswordHasher hasher(GatewayConfig loaded) {
    var p = loaded.authorizationServer().passwordHash();
    return new PasswordHasher(new PasswordHasher.Parameters(p.memoryKib(), p.iterations(), p.parallelism()));
  }

  static User find(UserStore users, String idOrName) {
    return users.findUserByIdOrName(idOrName)
        .orElseThrow(() -> new UserError("no user with id or name '" + idOrName + "' (see: toolgate user list)"));
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = {"Create a user. The password is read from standard input (first line; prompted twice on a",
          "terminal) or from --password-env VAR; it must be 8-128 characters. With --no-password the user cannot",
          "log in at Toolgate (their platform ids are bound, or a backend mints their tokens); reset-password sets one later."})
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Mixin PasswordSource password;
    @Option(names = "--no-password", description = "Create the user without a password (no login at Toolgate).") boolean noPassword;
    @Parameters(index = "0", paramLabel = "USERNAME", description = "Login name (stored in lower case).") String name;

    @Override
    public Integer call() throws IOException {
      String username;
      try {
        username = UserStore.requireUsername(name);
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage());
      }
      if (noPassword && password.env != null) {
        throw new UserError("--no-password and --password-env exclude each other");
      }
      GatewayConfig loaded = config.load();
      String hash = noPassword ? User.NO_PASSWORD : hasher(loaded).hash(password.read());
      try (StoreSession s = new StoreSession(loaded)) {
        User user = new UserStore(s.database).createUser(username, hash);
        spec.commandLine().getOut().println("Created user " + user.id() + " (" + user.username() + ")");
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List users (never their password hashes).")
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;

    @Override
    public Integer call() {
      try (StoreSession s = new StoreSession(config.load())) {
        Table t = new Table("ID", "USERNAME", "DISABLED", "CREATED", "PASSWORD CHANGED");
        for (User u : new UserStore(s.database).listUsers()) {
          t.row(u.id(), u.username(), u.disabled(), u.createdAt(), u.passwordChangedAt());
        }
        t.print(spec.commandLine().getOut());
      }
      return 0;
    }
  }

  @Command(name = "disable", mixinStandardHelpOptions = true,
      description = {"Disable a user: their logins fail like a wrong password, and a running gateway refuses their",
          "customer tokens and calls naming them (at once on PostgreSQL, within 30 s on SQLite)."})
  static final class Disable implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Parameters(index = "0", paramLabel = "USER", description = "User id or username.") String user;

    @Override
    public Integer call() {
      return setDisabled(spec, config, user, true);
    }
  }

  @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a disabled user again.")
  static final class Enable implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Parameters(index = "0", paramLabel = "USER", description = "User id or username.") String user;

    @Override
    public Integer call() {
      return setDisabled(spec, config, user, false);
    }
  }

  private static int setDisabled(CommandSpec spec, ConfigOption config, String user, boolean disabled) {
    try (StoreSession s = new StoreSession(config.load())) {
      UserStore users = new UserStore(s.database);
      User u = users.setUserDisabled(find(users, user).id(), disabled);
      spec.commandLine().getOut().println((disabled ? "Disabled" : "Enabled") + " user " + u.id() + " (" + u.username() + ")");
    }
    return 0;
  }

  @Command(name = "reset-password", mixinStandardHelpOptions = true,
      description = "Set a new password, read from standard input or --password-env VAR (never the command line).")
  static final class ResetPassword implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Mixin PasswordSource password;
    @Parameters(index = "0", paramLabel = "USER", description = "User id or username.") String user;

    @Override
    public Integer call() throws IOException {
      GatewayConfig loaded = config.load();
      try (StoreSession s = new StoreSession(loaded)) {
        UserStore users = new UserStore(s.database);
        User u = find(users, user);
        String hash = hasher(loaded).hash(password.read());
        users.setPasswordHash(u.id(), hash);
        spec.commandLine().getOut().println("Set a new password for user " + u.id() + " (" + u.username() + ")");
      }
      return 0;
    }
  }

  @Command(name = "map", mixinStandardHelpOptions = true,
      description = "Map a platform's user id (e.g. Sendbird's user_id) to a user, for session tokens and user binding.")
  static final class Map implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Parameters(index = "0", paramLabel = "USER", description = "User id or username.") String user;
    @Option(names = "--platform", required = true, paramLabel = "PLATFORM", description = "Platform name, e.g. sendbird.") String platform;
    @Option(names = "--platform-user-id", required = true, paramLabel = "ID", description = "The platform's id of the user.") String platformUserId;

    @Override
    public Integer call() {
      var loaded = config.load();
      KnownPlatforms.require(loaded, platform);
      try (StoreSession s = new StoreSession(loaded)) {
        UserStore users = new UserStore(s.database);
        User u = find(users, user);
        PlatformUser mapped = users.mapPlatformUser(platform, platformUserId, u.username());
        spec.commandLine().getOut().println("Mapped " + mapped.platform() + " user_id " + mapped.platformUserId() + " to user " + u.id() + " (" + u.username() + ")");
      }
      return 0;
    }
  }

  @Command(name = "opaque-id", mixinStandardHelpOptions = true,
      description = "Print a user's opaque customer identifier for a platform (created on first use).")
  static final class OpaqueId implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Parameters(index = "0", paramLabel = "USER", description = "User id or username.") String user;
    @Option(names = "--platform", defaultValue = "asapp", paramLabel = "PLATFORM", description = "Platform name (default: ${DEFAULT-VALUE}).") String platform;

    @Override
    public Integer call() {
      GatewayConfig loaded = config.load();
      try (StoreSession s = new StoreSession(loaded)) {
        User u = find(new UserStore(s.database), user);
        OpaqueIds ids = new OpaqueIds(s.database, s.box);
        spec.commandLine().getOut().println(ids.idFor(platform, u.id()));
      }
      return 0;
    }
  }

  @Command(name = "resolve", mixinStandardHelpOptions = true,
      description = {"Say which user an opaque customer identifier stands for (only Toolgate can): e.g. an upstream's",
          "X-Toolgate-User value in a support case."})
  static final class Resolve implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Parameters(index = "0", paramLabel = "OPAQUE_ID", description = "The identifier, e.g. oc1_...") String opaqueId;

    @Override
    public Integer call() {
      GatewayConfig loaded = config.load();
      try (StoreSession s = new StoreSession(loaded)) {
        OpaqueIds ids = new OpaqueIds(s.database, s.box);
        OpaqueIds.OpaqueId found = ids.resolve(opaqueId)
            .orElseThrow(() -> new UserError("no opaque customer identifier " + opaqueId + " was issued by this store"));
        User u = new UserStore(s.database).findUser(found.userId())
            .orElseThrow(() -> new UserError("opaque id " + opaqueId + " names user " + found.userId() + ", who no longer exists"));
        spec.commandLine().getOut().println(opaqueId + " is user " + u.id() + " (" + u.username() + (u.disabled() ? ", disabled" : "")
            + ") on platform " + found.platform() + " (key version " + found.keyVersion() + ")");
      }
      return 0;
    }
  }

  @Command(name = "rotate-opaque-key", mixinStandardHelpOptions = true,
      description = {"Make a new key active for opaque customer identifiers. Identifiers already issued stay",
          "the same and keep resolving; only users seen for the first time get one under the new key."})
  static final class RotateOpaqueKey implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;

    @Override
    public Integer call() {
      GatewayConfig loaded = config.load();
      try (StoreSession s = new StoreSession(loaded)) {
        int version = new OpaqueIds(s.database, s.box).rotateKey();
        spec.commandLine().getOut().println("Opaque id key version " + version + " is now active");
      }
      return 0;
    }
  }
}
