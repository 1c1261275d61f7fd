package dev.toolgate.server.cli;

import dev.toolgate.core.port.ApiKey;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.store.IssuedSecret;
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
    @Mixin ConfigOption config;
    @Mixin JsonOption output;
    @Option(names = "--client", required = true, paramLabel = "CLIENT", description = "Client id or name.") String client;
    @Option(names = "--tools", required = true, split = ",", paramLabel = "TOOL", description = "Tools the key may call, comma-separated; '*' for every tool.") java.util.List<String> tools;
    @Option(names = "--expires", paramLabel = "WHEN", description = "Lifetime (90d, 12h) or instant; default: never.") String expires;

    @Override
    public Integer call() {
      var loaded = config.load();
      var known = loaded.tools().stream().map(t -> t.name()).toList();
      for (String tool : tools) {
        if (!tool.equals(ApiKey.ALL_TOOLS) && !known.contains(tool)) {
          throw new UserError("tool '" + tool + "' is not declared in " + loaded.source() + " (known: " + String.join(", ", known) + ")");
        }
      }
      try (StoreSession s = new StoreSession(loaded)) {
        ClientRecord c = Clients.find(s, client);
        IssuedSecret<ApiKey> issued = s.credentials.createApiKey(c.id(), new LinkedHashSet<>(tools), Expiry.parse(expires, Instant.now()));
        TokenCommand.printIssued(spec, output, "API key", issued.record().id(), issued.record().expiresAt(), issued.plaintext());
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List API keys (ids, scopes, dates; never values).")
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Option(names = "--client", paramLabel = "CLIENT", description = "Only this client (id or name).") String client;

    @Override
    public Integer call() {
      try (StoreSession s = new StoreSession(config.load())) {
        String clientId = client == null ? null : Clients.find(s, client).id();
        Table t = new Table("ID", "CLIENT", "TOOLS", "CREATED", "EXPIRES", "REVOKED", "LAST USED");
        for (ApiKey k : s.credentials.listApiKeys(clientId)) {
          t.row(k.id(), k.clientId(), String.join(",", new java.util.TreeSet<>(k.tools())), k.createdAt(), k.expiresAt(), k.revokedAt(), k.lastUsedAt());
        }
        t.print(spec.commandLine().getOut());
      }
      return 0;
    }
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = "Create a replacement key for the same tools; the old one keeps working for --overlap, then expires.")
  static final class Rotate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Parameters(index = "0", paramLabel = "KEY_ID", description = "Id of the key to replace, e.g. key_...") String id;
    @Option(names = "--overlap", defaultValue = "24h", paramLabel = "DURATION", description = "How long the old key stays valid: 30m, 24h, 7d (default: ${DEFAULT-VALUE}); 0 ends it now.") String overlap;

    @Override
    public Integer call() {
      Duration keep = overlap.equals("0") ? Duration.ZERO : Expiry.lifetime("--overlap", overlap);
      try (StoreSession s = new StoreSession(config.load())) {
        IssuedSecret<ApiKey> issued = s.credentials.rotateApiKey(id, keep);
        TokenCommand.printIssued(spec, "API key", issued.record().id(), issued.record().expiresAt(), issued.plaintext());
        Instant oldExpiry = s.credentials.findApiKey(id).map(ApiKey::expiresAt).orElse(null);
        spec.commandLine().getOut().println("Old key " + id + " stays valid until " + oldExpiry + ".");
      }
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke an API key (running servers: at once on PostgreSQL, within a second on SQLite).")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Parameters(index = "0", paramLabel = "KEY_ID", description = "Id from `apikey list`, e.g. key_...") String id;

    @Override
    public Integer call() {
      try (StoreSession s = new StoreSession(config.load())) {
        s.credentials.revokeApiKey(id);
        spec.commandLine().getOut().println("Revoked API key " + id);
      }
      return 0;
    }
  }
}
