package dev.toolgate.server.cli;

import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.admin.AdminJson;
import dev.toolgate.server.admin.AdminResources;
import dev.toolgate.server.store.NotFoundException;
import dev.toolgate.server.store.OAuthClientStore;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "client-secret", mixinStandardHelpOptions = true,
    description = {"Manage OAuth client secrets (client_secret_basic / client_secret_post at the token endpoint).",
        "Stored only as SHA-256 digests: the value is shown once. A client may hold several, so you can",
        "rotate: create a new one, switch the caller over, revoke the old one."},
    subcommands = {ClientSecretCommand.Create.class, ClientSecretCommand.List.class, ClientSecretCommand.Revoke.class})
final class ClientSecretCommand {

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a client secret; prints the client_id and the secret once.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Option(names = "--client", required = true, paramLabel = "CLIENT", description = "Client id or name.") String client;
    @Option(names = "--expires", paramLabel = "WHEN", description = "Lifetime (90d, 12h) or instant; default: never.") String expires;

    @Override
    public Integer call() {
      Instant expiresAt = Expiry.parse(expires, Instant.now());
      record Made(JsonObject client, JsonObject secret) {}
      Made made;
      if (where.remote()) {
        JsonObject owner = Clients.find(where.api(), client);
        made = new Made(owner, where.api().post("/admin/client-secrets", new JsonObject().put("client_id", owner.getString("id"))
            .put("expires_at", AdminJson.time(expiresAt))));
      } else {
        made = where.store(s -> {
          ClientRecord c = Clients.find(s, client);
          var secret = new OAuthClientStore(s.database).createClientSecret(c.id(), expiresAt);
          return new Made(ClientCommand.overview(s, c.id()), AdminResources.issued(secret, AdminResources::clientSecret));
        });
      }
      JsonObject owner = made.client();
      JsonObject issued = made.secret();
      output.print(spec, issued, out -> {
        String name = owner.getString("name");
        String expiry = issued.getString("expires_at");
        out.println("Created client secret " + issued.getString("id") + " for client " + name + (expiry == null ? "" : ", expires " + expiry));
        out.println("client_id: " + issued.getString("client_id"));
        out.println("client_secret (shown once, store it now): " + issued.getString(AdminJson.SECRET));
        if (!owner.getBoolean("enabled", true)) {
          out.println("Note: client " + name + " is disabled; enable it with `toolgate client enable " + name + "`.");
        }
      });
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List a client's secrets (ids, dates, last use; never values).")
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Option(names = "--client", required = true, paramLabel = "CLIENT", description = "Client id or name.") String client;

    @Override
    public Integer call() {
      JsonObject all = where.remote()
          ? where.api().get(AdminClient.query("/admin/client-secrets", AdminClient.params("client_id", Clients.find(where.api(), client).getString("id"))))
          : where.store(s -> AdminResources.list("client_secrets", new OAuthClientStore(s.database).listClientSecrets(Clients.find(s, client).id()),
              AdminResources::clientSecret));
      output.print(spec, all, out -> {
        Table t = new Table("ID", "CLIENT", "CREATED", "EXPIRES", "REVOKED", "LAST USED");
        Json.objects(all, "client_secrets").forEach(cs -> t.row(cs.getValue("id"), cs.getValue("client_id"), cs.getValue("created_at"),
            cs.getValue("expires_at"), cs.getValue("revoked_at"), cs.getValue("last_used_at")));
        t.print(out);
      });
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revoke a client secret (running servers: at once on PostgreSQL, within a second on SQLite). Revoking it again changes nothing.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Parameters(index = "0", paramLabel = "SECRET_ID", description = "Id from `client-secret list`, e.g. cs_...") String id;

    @Override
    public Integer call() {
      JsonObject secret = where.remote()
          ? where.api().post(AdminClient.path("/admin/client-secrets/{}/revoke", id), null)
          : where.store(s -> {
            OAuthClientStore oauth = new OAuthClientStore(s.database);
            oauth.revokeClientSecret(id);
            return AdminResources.clientSecret(s.credentials.listClients().stream().flatMap(c -> oauth.listClientSecrets(c.id()).stream())
                .filter(cs -> cs.id().equals(id)).findFirst().orElseThrow(() -> new NotFoundException("no client secret with id '" + id + "'")));
          });
      output.print(spec, secret, out -> out.println("Revoked client secret " + id));
      return 0;
    }
  }
}
