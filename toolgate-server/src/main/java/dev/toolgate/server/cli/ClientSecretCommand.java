package dev.toolgate.server.cli;

import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.store.ClientSecret;
import dev.toolgate.server.store.IssuedSecret;
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
    @Mixin ConfigOption config;
    @Mixin JsonOption output;
    @Option(names = "--client", required = true, paramLabel = "CLIENT", description = "Client id or name.") String client;
    @Option(names = "--expires", paramLabel = "WHEN", description = "Lifetime (90d, 12h) or instant; default: never.") String expires;

    @Override
    public Integer call() {
      try (StoreSession s = new StoreSession(config.load())) {
        ClientRecord c = Clients.find(s, client);
        IssuedSecret<ClientSecret> issued = new OAuthClientStore(s.database).createClientSecret(c.id(), Expiry.parse(expires, Instant.now()));
        var out = spec.commandLine().getOut();
        ClientSecret secret = issued.record();
        if (output.json) {
          out.println(new JsonObject().put("id", secret.id()).put("client_id", c.id())
              .put("client_secret", issued.plaintext()).put("client_enabled", c.enabled())
              .put("expires_at", secret.expiresAt() == null ? null : secret.expiresAt().toString()).encode());
          return 0;
        }
        out.println("Created client secret " + secret.id() + " for client " + c.name()
            + (secret.expiresAt() == null ? "" : ", expires " + secret.expiresAt()));
        out.println("client_id: " + c.id());
        out.println("client_secret (shown once, store it now): " + issued.plaintext());
        if (!c.enabled()) {
          out.println("Note: client " + c.name() + " is disabled; enable it with `toolgate client enable " + c.name() + "`.");
        }
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List a client's secrets (ids, dates, last use; never values).")
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Option(names = "--client", required = true, paramLabel = "CLIENT", description = "Client id or name.") String client;

    @Override
    public Integer call() {
      try (StoreSession s = new StoreSession(config.load())) {
        ClientRecord c = Clients.find(s, client);
        Table t = new Table("ID", "CLIENT", "CREATED", "EXPIRES", "REVOKED", "LAST USED");
        for (ClientSecret cs : new OAuthClientStore(s.database).listClientSecrets(c.id())) {
          t.row(cs.id(), cs.clientId(), cs.createdAt(), cs.expiresAt(), cs.revokedAt(), cs.lastUsedAt());
        }
        t.print(spec.commandLine().getOut());
      }
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a client secret (running servers: at once on PostgreSQL, within a second on SQLite).")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Parameters(index = "0", paramLabel = "SECRET_ID", description = "Id from `client-secret list`, e.g. cs_...") String id;

    @Override
    public Integer call() {
      try (StoreSession s = new StoreSession(config.load())) {
        boolean revoked = new OAuthClientStore(s.database).revokeClientSecret(id);
        spec.commandLine().getOut().println((revoked ? "Revoked client secret " : "Client secret was already revoked: ") + id);
      }
      return 0;
    }
  }
}
