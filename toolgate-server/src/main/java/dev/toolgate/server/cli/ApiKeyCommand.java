package dev.toolgate.server.cli;

import dev.toolgate.core.port.ApiKey;
import dev.toolgate.server.admin.AdminJson;
import dev.toolgate.server.admin.AdminResources;
import dev.toolgate.server.store.NotFoundException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "apikey", mixinStandardHelpOptions = true,
    description = {"Manage API keys (sent in the `api-key` header unless the platform names another).",
        "Each key is scoped to named tools; stored only as a SHA-256 digest and shown once."},
    subcommands = {ApiKeyCommand.Create.class, ApiKeyCommand.List.class, ApiKeyCommand.Rotate.class, ApiKeyCommand.Revoke.class})
final class ApiKeyCommand {

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an API key for a client.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Option(names = "--client", required = true, paramLabel = "CLIENT", description = "Client id or name.") String client;
    @Option(names = "--tools", required = true, split = ",", paramLabel = "TOOL", description = "Tools the key may call, comma-separated; '*' for every tool.") java.util.List<String> tools;
    @Option(names = "--expires", paramLabel = "WHEN", description = "Lifetime (90d, 12h) or instant; default: never.") String expires;

    @Override
    public Integer call() {
      Instant expiresAt = Expiry.parse(expires, Instant.now());
      if (!where.remote()) {
        requireDeclared(where); // the server checks the tools against its own configuration
      }
      JsonObject issued = where.remote()
          ? where.api().post("/admin/api-keys", new JsonObject().put("client_id", Clients.find(where.api(), client).getString("id"))
              .put("tools", new JsonArray(tools)).put("expires_at", AdminJson.time(expiresAt)))
          : where.store(s -> AdminResources.issued(s.credentials.createApiKey(Clients.find(s, client).id(), new LinkedHashSet<>(tools), expiresAt),
              AdminResources::apiKey));
      output.print(spec, issued, out -> TokenCommand.printIssued(out, "API key", issued));
      return 0;
    }

    /** A key for a tool the configuration does not declare would never work: a typo. */
    private void requireDeclared(StoreOrServer where) {
      var known = where.config().tools().stream().map(t -> t.name()).toList(); // in the file's order
      for (String tool : tools) {
        if (!tool.equals(ApiKey.ALL_TOOLS) && !known.contains(tool)) {
          throw UserError.usage("tool '" + tool + "' is not declared in " + where.config().source() + " (known: " + String.join(", ", known) + ")");
        }
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List API keys (ids, scopes, dates; never values).")
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Option(names = "--client", paramLabel = "CLIENT", description = "Only this client (id or name).") String client;

    @Override
    public Integer call() {
      JsonObject all = where.remote()
          ? where.api().get(AdminClient.query("/admin/api-keys",
              AdminClient.params("client_id", client == null ? null : Clients.find(where.api(), client).getString("id"))))
          : where.store(s -> AdminResources.list("api_keys",
              s.credentials.listApiKeys(client == null ? null : Clients.find(s, client).id()), AdminResources::apiKey));
      output.print(spec, all, out -> {
        Table t = new Table("ID", "CLIENT", "TOOLS", "CREATED", "EXPIRES", "REVOKED", "LAST USED");
        Json.objects(all, "api_keys").forEach(k -> t.row(k.getValue("id"), k.getValue("client_id"), String.join(",", Json.strings(k, "tools")),
            k.getValue("created_at"), k.getValue("expires_at"), k.getValue("revoked_at"), k.getValue("last_used_at")));
        t.print(out);
      });
      return 0;
    }
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = "Create a replacement key for the same tools; the old one keeps working for --overlap, then expires.")
  static final class Rotate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Parameters(index = "0", paramLabel = "KEY_ID", description = "Id of the key to replace, e.g. key_...") String id;
    @Option(names = "--overlap", defaultValue = "24h", paramLabel = "DURATION", description = "How long the old key stays valid: 30m, 24h, 7d (default: ${DEFAULT-VALUE}); 0 ends it now.") String overlap;

    @Override
    public Integer call() {
      Duration keep = TokenCommand.overlap(overlap);
      JsonObject issued = where.remote()
          ? where.api().post(AdminClient.path("/admin/api-keys/{}/rotate", id), new JsonObject().put("overlap_seconds", keep.toSeconds()))
          : where.store(s -> AdminResources.rotated(s.credentials.rotateApiKey(id, keep), find(s, id), AdminResources::apiKey));
      output.print(spec, issued, out -> {
        TokenCommand.printIssued(out, "API key", issued);
        out.println("Old key " + id + " stays valid until " + issued.getJsonObject("replaces").getString("expires_at") + ".");
      });
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revoke an API key (running servers: at once on PostgreSQL, within a second on SQLite). Revoking it again changes nothing.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Parameters(index = "0", paramLabel = "KEY_ID", description = "Id from `apikey list`, e.g. key_...") String id;

    @Override
    public Integer call() {
      JsonObject key = where.remote()
          ? where.api().post(AdminClient.path("/admin/api-keys/{}/revoke", id), null)
          : where.store(s -> {
            s.credentials.revokeApiKey(id);
            return AdminResources.apiKey(find(s, id));
          });
      output.print(spec, key, out -> out.println("Revoked API key " + id));
      return 0;
    }
  }

  private static ApiKey find(StoreSession s, String id) {
    return s.credentials.findApiKey(id).orElseThrow(() -> new NotFoundException("no API key with id '" + id + "'"));
  }
}
