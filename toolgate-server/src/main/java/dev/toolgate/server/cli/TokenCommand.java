package dev.toolgate.server.cli;

import dev.toolgate.core.port.StaticToken;
import dev.toolgate.server.admin.AdminJson;
import dev.toolgate.server.admin.AdminResources;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.IssuedSecret;
import dev.toolgate.server.store.NotFoundException;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "token", mixinStandardHelpOptions = true,
    description = {"Manage static bearer tokens (Authorization: Bearer tgt_...).",
        "Stored only as SHA-256 digests: the value is shown once, at creation."},
    subcommands = {TokenCommand.Create.class, TokenCommand.List.class, TokenCommand.Rotate.class, TokenCommand.Revoke.class})
final class TokenCommand {

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a static token for a client.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Option(names = "--client", required = true, paramLabel = "CLIENT", description = "Client id or name.") String client;
    @Option(names = "--expires", paramLabel = "WHEN", description = "Lifetime (90d, 12h) or instant; default: never.") String expires;

    @Override
    public Integer call() {
      Instant expiresAt = Expiry.parse(expires, Instant.now());
      JsonObject issued = where.remote()
          ? where.api().post("/admin/static-tokens", new JsonObject().put("client_id", Clients.find(where.api(), client).getString("id"))
              .put("expires_at", AdminJson.time(expiresAt)))
          : where.store(s -> AdminResources.issued(s.credentials.createStaticToken(Clients.find(s, client).id(), expiresAt),
              AdminResources::staticToken));
      output.print(spec, issued, out -> printIssued(out, "static token", issued));
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List static tokens (ids, dates, last use; never values).")
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Option(names = "--client", paramLabel = "CLIENT", description = "Only this client (id or name).") String client;

    @Override
    public Integer call() {
      JsonObject all = where.remote()
          ? where.api().get(AdminClient.query("/admin/static-tokens",
              AdminClient.params("client_id", client == null ? null : Clients.find(where.api(), client).getString("id"))))
          : where.store(s -> AdminResources.list("static_tokens",
              s.credentials.listStaticTokens(client == null ? null : Clients.find(s, client).id()), AdminResources::staticToken));
      output.print(spec, all, out -> {
        Table t = new Table("ID", "CLIENT", "CREATED", "EXPIRES", "REVOKED", "LAST USED");
        Json.objects(all, "static_tokens").forEach(tok -> t.row(tok.getValue("id"), tok.getValue("client_id"), tok.getValue("created_at"),
            tok.getValue("expires_at"), tok.getValue("revoked_at"), tok.getValue("last_used_at")));
        t.print(out);
      });
      return 0;
    }
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = "Create a replacement token; the old one keeps working for --overlap, then expires.")
  static final class Rotate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Parameters(index = "0", paramLabel = "TOKEN_ID", description = "Id of the token to replace, e.g. tok_...") String id;
    @Option(names = "--overlap", defaultValue = "24h", paramLabel = "DURATION", description = "How long the old token stays valid: 30m, 24h, 7d (default: ${DEFAULT-VALUE}); 0 ends it now.") String overlap;

    @Override
    public Integer call() {
      Duration keep = overlap(overlap);
      JsonObject issued = where.remote()
          ? where.api().post(AdminClient.path("/admin/static-tokens/{}/rotate", id), new JsonObject().put("overlap_seconds", keep.toSeconds()))
          : where.store(s -> {
            IssuedSecret<StaticToken> next = s.credentials.rotateStaticToken(id, keep);
            return AdminResources.rotated(next, find(s.credentials, id), AdminResources::staticToken);
          });
      output.print(spec, issued, out -> {
        printIssued(out, "static token", issued);
        out.println("Old token " + id + " stays valid until " + issued.getJsonObject("replaces").getString("expires_at") + ".");
      });
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revoke a static token (running servers: at once on PostgreSQL, within a second on SQLite). Revoking it again changes nothing.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Parameters(index = "0", paramLabel = "TOKEN_ID", description = "Id from `token list`, e.g. tok_...") String id;

    @Override
    public Integer call() {
      JsonObject token = where.remote()
          ? where.api().post(AdminClient.path("/admin/static-tokens/{}/revoke", id), null)
          : where.store(s -> {
            s.credentials.revokeStaticToken(id);
            return AdminResources.staticToken(find(s.credentials, id));
          });
      output.print(spec, token, out -> out.println("Revoked static token " + id));
      return 0;
    }
  }

  private static StaticToken find(CredentialStore credentials, String id) {
    return credentials.findStaticToken(id).orElseThrow(() -> new NotFoundException("no static token with id '" + id + "'"));
  }

  /** {@code --overlap}: a lifetime, or 0 to end the old credential now. */
  static Duration overlap(String text) {
    return text.equals("0") ? Duration.ZERO : Expiry.lifetime("--overlap", text);
  }

  /** What a creation says in words: the id, the expiry, and the value, shown this once. */
  static void printIssued(PrintWriter out, String what, JsonObject issued) {
    String expires = issued.getString("expires_at");
    out.println("Created " + what + " " + issued.getString("id") + (expires == null ? "" : ", expires " + expires));
    out.println("Value (shown once, store it now): " + issued.getString(AdminJson.SECRET));
  }
}
