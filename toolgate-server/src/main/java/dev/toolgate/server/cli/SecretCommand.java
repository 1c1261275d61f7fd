package dev.toolgate.server.cli;

import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.secret.SecretGenerator;
import dev.toolgate.server.admin.AdminJson;
import dev.toolgate.server.admin.AdminResources;
import dev.toolgate.server.store.NotFoundException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "secret", mixinStandardHelpOptions = true,
    description = {"Manage request-signing secrets (for Sendbird: the master API token it signs tool calls with).",
        "Several can be active per client, so a rotation can overlap; the audit log says which one matched."},
    subcommands = {SecretCommand.Add.class, SecretCommand.List.class, SecretCommand.Revoke.class})
final class SecretCommand {

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = {"Add a signing secret to a client. The value is never taken from the command line",
          "(shell history, process lists): read it from stdin, an environment variable, or generate one."})
  static final class Add implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Option(names = "--client", required = true, paramLabel = "CLIENT", description = "Client id or name.") String client;
    @ArgGroup(exclusive = true, multiplicity = "1") Source source;
    @Option(names = "--expires", paramLabel = "WHEN", description = "Lifetime (90d, 12h) or instant (2027-01-31T00:00:00Z); default: never.") String expires;

    static final class Source {
      @Option(names = "--from-stdin", description = "Read the secret from the first line of standard input.") boolean stdin;
      @Option(names = "--from-env", paramLabel = "VAR", description = "Read the secret from this environment variable.") String env;
      @Option(names = "--generate", description = "Generate a random secret and print it once.") boolean generate;
    }

    @Override
    public Integer call() throws IOException {
      String value = source.generate ? null : read(source).strip(); // generated: by the store or the server
      Instant expiresAt = Expiry.parse(expires, Instant.now());
      record Added(String clientName, JsonObject secret) {}
      Added added;
      if (where.remote()) {
        JsonObject owner = Clients.find(where.api(), client);
        added = new Added(owner.getString("name"), where.api().post("/admin/signing-secrets", new JsonObject()
            .put("client_id", owner.getString("id")).put("value", value).put("expires_at", AdminJson.time(expiresAt))));
      } else {
        added = where.store(s -> {
          ClientRecord owner = Clients.find(s, client);
          String secret = value != null ? value : SecretGenerator.secret(SecretGenerator.SIGNING_SECRET_PREFIX);
          SigningSecret stored = s.credentials.addSigningSecret(owner.id(), secret.getBytes(StandardCharsets.UTF_8), expiresAt);
          return new Added(owner.name(), AdminResources.signingSecret(stored).put(AdminJson.SECRET, secret));
        });
      }
      JsonObject secret = added.secret();
      output.print(spec, secret, out -> {
        String expiry = secret.getString("expires_at");
        out.println("Added signing secret " + secret.getString("id") + " to client " + added.clientName() + (expiry == null ? "" : ", expires " + expiry));
        if (source.generate) {
          out.println("Secret (shown once, store it now): " + secret.getString(AdminJson.SECRET));
        }
      });
      return 0;
    }

    private static String read(Source source) throws IOException {
      if (source.env != null) {
        return Secrets.fromEnv("--from-env", source.env);
      }
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String value = in.readLine();
      if (value == null || value.isBlank()) {
        throw UserError.usage("no secret on standard input");
      }
      return value;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List a client's signing secrets (ids and dates, never values).")
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Option(names = "--client", required = true, paramLabel = "CLIENT", description = "Client id or name.") String client;

    @Override
    public Integer call() {
      JsonObject all = where.remote()
          ? where.api().get(AdminClient.query("/admin/signing-secrets", AdminClient.params("client_id", Clients.find(where.api(), client).getString("id"))))
          : where.store(s -> AdminResources.list("signing_secrets", s.credentials.listSigningSecrets(Clients.find(s, client).id()),
              AdminResources::signingSecret));
      output.print(spec, all, out -> {
        Table t = new Table("ID", "CREATED", "EXPIRES", "REVOKED", "STATE");
        Instant now = Instant.now();
        Json.objects(all, "signing_secrets").forEach(secret -> t.row(secret.getValue("id"), secret.getValue("created_at"),
            secret.getValue("expires_at"), secret.getValue("revoked_at"), Json.active(secret, now) ? "active" : "inactive"));
        t.print(out);
      });
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revoke a signing secret (running servers: at once on PostgreSQL, within a second on SQLite). Revoking it again changes nothing.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Parameters(index = "0", paramLabel = "SECRET_ID", description = "Id from `secret list`, e.g. sec_...") String id;

    @Override
    public Integer call() {
      JsonObject secret = where.remote()
          ? where.api().post(AdminClient.path("/admin/signing-secrets/{}/revoke", id), null)
          : where.store(s -> {
            s.credentials.revokeSigningSecret(id);
            return AdminResources.signingSecret(s.credentials.findSigningSecret(id)
                .orElseThrow(() -> new NotFoundException("no signing secret with id '" + id + "'")));
          });
      output.print(spec, secret, out -> out.println("Revoked signing secret " + id));
      return 0;
    }
  }
}
