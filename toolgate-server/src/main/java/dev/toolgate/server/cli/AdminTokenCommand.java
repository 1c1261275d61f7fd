package dev.toolgate.server.cli;

import dev.toolgate.server.admin.AdminRole;
import dev.toolgate.server.admin.AdminToken;
import dev.toolgate.server.admin.AdminTokenStore;
import dev.toolgate.server.store.IssuedSecret;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "admin-token", mixinStandardHelpOptions = true,
    description = {"Manage admin API tokens (Authorization: Bearer tga_... on /admin/...).",
        "Stored only as SHA-256 digests: the value is shown once, at creation."},
    subcommands = {AdminTokenCommand.Create.class, AdminTokenCommand.List.class, AdminTokenCommand.Revoke.class})
final class AdminTokenCommand {

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an admin token.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Mixin JsonOption output;
    @Option(names = "--name", required = true, paramLabel = "NAME", description = "Who or what holds it, e.g. ops or ci.") String name;
    @Option(names = "--expires", paramLabel = "WHEN", description = "Lifetime (90d, 12h) or instant; default: never.") String expires;
    @Option(names = "--role", defaultValue = "admin", paramLabel = "ROLE",
        description = "admin (everything), operator (all but admin tokens and audit pruning), read_only, or token_minter (customer tokens only). Default: ${DEFAULT-VALUE}.")
    String role;

    @Override
    public Integer call() {
      Instant expiresAt = Expiry.parse(expires, Instant.now());
      AdminRole parsed = AdminRole.parse(role).orElseThrow(() -> new UserError("--role must be one of " + AdminRole.names()));
      try (StoreSession s = new StoreSession(config.load())) {
        IssuedSecret<AdminToken> issued = new AdminTokenStore(s.database).create(name, parsed, expiresAt);
        TokenCommand.printIssued(spec, output, "admin token", issued.record().id(), issued.record().expiresAt(), issued.plaintext());
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List admin tokens (ids, names, dates, last use; never values).")
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;

    @Override
    public Integer call() {
      try (StoreSession s = new StoreSession(config.load())) {
        Table t = new Table("ID", "NAME", "ROLE", "CREATED", "EXPIRES", "REVOKED", "LAST USED");
        for (AdminToken tok : new AdminTokenStore(s.database).list()) {
          t.row(tok.id(), tok.name(), tok.role().value(), tok.createdAt(), tok.expiresAt(), tok.revokedAt(), tok.lastUsedAt());
        }
        t.print(spec.commandLine().getOut());
      }
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke an admin token (running servers: at once on PostgreSQL, within a second on SQLite).")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Parameters(index = "0", paramLabel = "TOKEN_ID", description = "Id from `admin-token list`, e.g. adm_...") String id;

    @Override
    public Integer call() {
      try (StoreSession s = new StoreSession(config.load())) {
        boolean revoked = new AdminTokenStore(s.database).revoke(id);
        spec.commandLine().getOut().println(revoked ? "Revoked admin token " + id : "Admin token " + id + " was already revoked");
      }
      return 0;
    }
  }
}
