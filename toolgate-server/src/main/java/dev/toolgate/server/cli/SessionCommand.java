package dev.toolgate.server.cli;

import dev.toolgate.server.store.IssuedSecret;
import dev.toolgate.server.users.SessionToken;
import dev.toolgate.server.users.UserStore;
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
        "/admin/platforms/{platform}/users/{user_id}/token does. Map the user first: toolgate user map."},
    subcommands = {SessionCommand.Create.class, SessionCommand.List.class, SessionCommand.Revoke.class, SessionCommand.RevokeAll.class})
final class SessionCommand {

  /** --platform and --user: the platform user a command is about. */
  static final class PlatformUserOptions {
    @Option(names = "--platform", required = true, paramLabel = "PLATFORM", description = "Platform name, e.g. sendbird.") String platform;
    @Option(names = "--user", required = true, paramLabel = "USER_ID", description = "The platform's user id.") String user;
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Issue a session token (default lifetime 7 days, at most 365).")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Mixin PlatformUserOptions who;
    @Option(names = "--expires", paramLabel = "WHEN", description = "Lifetime (7d, 12h) or instant; default: 7d.") String expires;

    @Override
    public Integer call() {
      Instant expiresAt = Expiry.parse(expires, Instant.now());
      try (StoreSession s = new StoreSession(config.load())) {
        IssuedSecret<SessionToken> issued = new UserStore(s.database).createSessionToken(who.platform, who.user, expiresAt);
        TokenCommand.printIssued(spec, "session token", issued.record().id(), issued.record().expiresAt(), issued.plaintext());
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List a platform user's session tokens (never values).")
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Mixin PlatformUserOptions who;

    @Override
    public Integer call() {
      try (StoreSession s = new StoreSession(config.load())) {
        Instant now = Instant.now();
        Table t = new Table("ID", "CREATED", "EXPIRES", "REVOKED", "STATE");
        for (SessionToken tok : new UserStore(s.database).listSessionTokens(who.platform, who.user)) {
          t.row(tok.id(), tok.createdAt(), tok.expiresAt(), tok.revokedAt(), tok.activeAt(now) ? "active" : "inactive");
        }
        t.print(spec.commandLine().getOut());
      }
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke one session token.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Parameters(index = "0", paramLabel = "TOKEN_ID", description = "Id from `session list`, e.g. sess_...") String id;

    @Override
    public Integer call() {
      try (StoreSession s = new StoreSession(config.load())) {
        boolean revoked = new UserStore(s.database).revokeSessionToken(id);
        spec.commandLine().getOut().println(revoked ? "Revoked session token " + id : "Session token " + id + " was already revoked");
      }
      return 0;
    }
  }

  @Command(name = "revoke-all", mixinStandardHelpOptions = true, description = "Revoke every session token of a platform user.")
  static final class RevokeAll implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Mixin PlatformUserOptions who;

    @Override
    public Integer call() {
      try (StoreSession s = new StoreSession(config.load())) {
        int revoked = new UserStore(s.database).revokeAllSessionTokens(who.platform, who.user);
        spec.commandLine().getOut().println("Revoked " + revoked + " session token(s) of " + who.platform + " user_id " + who.user);
      }
      return 0;
    }
  }
}
