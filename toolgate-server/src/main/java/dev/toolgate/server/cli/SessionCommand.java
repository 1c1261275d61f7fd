package dev.toolgate.server.cli;

import dev.toolgate.server.admin.AdminResources;
import dev.toolgate.server.users.UserStore;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "session", mixinStandardHelpOptions = true,
    description = {"Manage session tokens of platform users (tgu_...), as the admin API's",
        "/admin/platforms/{platform}/users/{user_id}/token does, in its shapes (times in epoch milliseconds).",
        "Map the user first: toolgate user map."},
    subcommands = {SessionCommand.Create.class, SessionCommand.List.class, SessionCommand.Revoke.class, SessionCommand.RevokeAll.class})
final class SessionCommand {

  /** --platform and --user: the platform user a command is about. */
  static final class PlatformUserOptions {
    @Option(names = "--platform", required = true, paramLabel = "PLATFORM", description = "Platform name, e.g. sendbird.") String platform;
    @Option(names = "--user", required = true, paramLabel = "USER_ID", description = "The platform's user id.") String user;

    String path(String tail) {
      return AdminClient.path("/admin/platforms/{}/users/{}/token", platform, user) + tail;
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Issue a session token (default lifetime 7 days, at most 365).")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Mixin PlatformUserOptions who;
    @Option(names = "--expires", paramLabel = "WHEN", description = "Lifetime (7d, 12h) or instant; default: 7d.") String expires;

    @Override
    public Integer call() {
      Instant expiresAt = Expiry.parse(expires, Instant.now());
      JsonObject issued = where.remote()
          ? where.api().post(who.path(""), new JsonObject().put("expires_at", expiresAt == null ? null : expiresAt.toEpochMilli()))
          : where.store(s -> AdminResources.sessionTokenIssued(new UserStore(s.database).createSessionToken(who.platform, who.user, expiresAt)));
      output.print(spec, issued, out -> {
        out.println("Created session token " + issued.getString("token_id") + ", expires " + Instant.ofEpochMilli(issued.getLong("expires_at")));
        out.println("Value (shown once, store it now): " + issued.getString("token"));
      });
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List a platform user's session tokens (never values).")
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Mixin PlatformUserOptions who;

    @Override
    public Integer call() {
      JsonObject all = where.remote()
          ? where.api().get(who.path(""))
          : where.store(s -> AdminResources.sessionTokens(new UserStore(s.database).listSessionTokens(who.platform, who.user), Instant.now()));
      output.print(spec, all, out -> {
        Table t = new Table("ID", "CREATED", "EXPIRES", "REVOKED", "STATE");
        Json.objects(all, "tokens").forEach(tok -> t.row(tok.getValue("token_id"), millis(tok, "created_at"), millis(tok, "expires_at"),
            millis(tok, "revoked_at"), tok.getBoolean("active", false) ? "active" : "inactive"));
        t.print(out);
      });
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke one session token. Revoking it again changes nothing.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Parameters(index = "0", paramLabel = "TOKEN_ID", description = "Id from `session list`, e.g. sess_...") String id;
    @Option(names = "--platform", paramLabel = "PLATFORM", description = "The token's platform (needed with --server, whose API names the user).") String platform;
    @Option(names = "--user", paramLabel = "USER_ID", description = "The token's platform user id (needed with --server).") String user;

    @Override
    public Integer call() {
      if (where.remote() && (platform == null || user == null)) {
        throw UserError.usage("with --server, session revoke needs --platform and --user: the admin API revokes a token of a named platform user");
      }
      JsonObject revoked = where.remote()
          ? where.api().delete(AdminClient.path("/admin/platforms/{}/users/{}/token/{}", platform, user, id))
          : where.store(s -> {
            UserStore users = new UserStore(s.database);
            return AdminResources.sessionTokenRevoked(id, platform == null && user == null ? users.revokeSessionToken(id)
                : users.revokeSessionToken(require(platform, "--platform"), require(user, "--user"), id));
          });
      output.print(spec, revoked, out -> out.println(revoked.getBoolean("revoked") ? "Revoked session token " + id
          : "Session token " + id + " was already revoked"));
      return 0;
    }

    private static String require(String value, String option) {
      if (value == null) {
        throw UserError.usage("--platform and --user go together; " + option + " is missing");
      }
      return value;
    }
  }

  @Command(name = "revoke-all", mixinStandardHelpOptions = true, description = "Revoke every session token of a platform user.")
  static final class RevokeAll implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Mixin PlatformUserOptions who;

    @Override
    public Integer call() {
      JsonObject revoked = where.remote()
          ? where.api().delete(who.path(""))
          : where.store(s -> AdminResources.sessionTokensRevoked(new UserStore(s.database).revokeAllSessionTokens(who.platform, who.user)));
      output.print(spec, revoked, out -> out.println("Revoked " + revoked.getInteger("revoked") + " session token(s) of " + who.platform
          + " user_id " + who.user));
      return 0;
    }
  }

  /** An epoch-milliseconds field as an instant, for the text table; null stays null. */
  private static Instant millis(JsonObject o, String field) {
    Long ms = o.getLong(field);
    return ms == null ? null : Instant.ofEpochMilli(ms);
  }
}
