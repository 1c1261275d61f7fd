package dev.toolgate.server.cli;

import dev.toolgate.server.admin.AdminJson;
import dev.toolgate.server.admin.AdminResources;
import dev.toolgate.server.admin.AdminRole;
import dev.toolgate.server.admin.AdminTokenStore;
import dev.toolgate.server.store.NotFoundException;
import io.vertx.core.json.JsonObject;
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
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Option(names = "--name", required = true, paramLabel = "NAME", description = "Who or what holds it, e.g. ops or ci.") String name;
    @Option(names = "--expires", paramLabel = "WHEN", description = "Lifetime (90d, 12h) or instant; default: never.") String expires;
    @Option(names = "--role", defaultValue = "admin", paramLabel = "ROLE",
        description = "admin (everything), operator (all but admin tokens and audit pruning), read_only, or token_minter (customer tokens only). Default: ${DEFAULT-VALUE}.")
    String role;

    @Override
    public Integer call() {
      Instant expiresAt = Expiry.parse(expires, Instant.now());
      AdminRole parsed = AdminRole.parse(role).orElseThrow(() -> UserError.usage("--role must be one of " + AdminRole.names()));
      JsonObject issued = where.remote()
          ? where.api().post("/admin/admin-tokens", new JsonObject().put("name", name).put("role", parsed.value())
              .put("expires_at", AdminJson.time(expiresAt)))
          : where.store(s -> AdminResources.issued(new AdminTokenStore(s.database).create(name, parsed, expiresAt), AdminResources::adminToken));
      output.print(spec, issued, out -> TokenCommand.printIssued(out, "admin token", issued));
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List admin tokens (ids, names, dates, last use; never values).")
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;

    @Override
    public Integer call() {
      JsonObject all = where.remote()
          ? where.api().get("/admin/admin-tokens")
          : where.store(s -> AdminResources.list("admin_tokens", new AdminTokenStore(s.database).list(), AdminResources::adminToken));
      output.print(spec, all, out -> {
        Table t = new Table("ID", "NAME", "ROLE", "CREATED", "EXPIRES", "REVOKED", "LAST USED");
        Json.objects(all, "admin_tokens").forEach(tok -> t.row(tok.getValue("id"), tok.getValue("name"), tok.getValue("role"),
            tok.getValue("created_at"), tok.getValue("expires_at"), tok.getValue("revoked_at"), tok.getValue("last_used_at")));
        t.print(out);
      });
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revoke an admin token (running servers: at once on PostgreSQL, within a second on SQLite). Revoking it again changes nothing.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Parameters(index = "0", paramLabel = "TOKEN_ID", description = "Id from `admin-token list`, e.g. adm_...") String id;

    @Override
    public Integer call() {
      JsonObject token = where.remote()
          ? where.api().post(AdminClient.path("/admin/admin-tokens/{}/revoke", id), null)
          : where.store(s -> {
            AdminTokenStore tokens = new AdminTokenStore(s.database);
            tokens.revoke(id); // already revoked: the first revocation time is kept
            return AdminResources.adminToken(tokens.find(id).orElseThrow(() -> new NotFoundException("no admin token with id '" + id + "'")));
          });
      output.print(spec, token, out -> out.println("Revoked admin token " + id));
      return 0;
    }
  }
}
