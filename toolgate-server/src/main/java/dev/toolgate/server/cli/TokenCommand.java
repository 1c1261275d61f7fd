package dev.toolgate.server.cli;

import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.StaticToken;
import dev.toolgate.server.store.IssuedSecret;
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
    @Mixin ConfigOption config;
    @Mixin JsonOption output;
    @Option(names = "--client", required = true, paramLabel = "CLIENT", description = "Client id or name.") String client;
    @Option(names = "--expires", paramLabel = "WHEN", description = "Lifetime (90d, 12h) or instant; default: never.") String expires;

    @Override
    public Integer call() {
      try (StoreSession s = new StoreSession(config.load())) {
        ClientRecord c = Clients.find(s, client);
        IssuedSecret<StaticToken> issued = s.credentials.createStaticToken(c.id(), Expiry.parse(expires, Instant.now()));
        printIssued(spec, output, "static token", issued.record().id(), issued.record().expiresAt(), issued.plaintext());
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List static tokens (ids, dates, last use; never values).")
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Option(names = "--client", paramLabel = "CLIENT", description = "Only this client (id or name).") String client;

    @Override
    public Integer call() {
      try (StoreSession s = new StoreSession(config.load())) {
        String clientId = client == null ? null : Clients.find(s, client).id();
        Table t = new Table("ID", "CLIENT", "CREATED", "EXPIRES", "REVOKED", "LAST USED");
        for (StaticToken tok : s.credentials.listStaticTokens(clientId)) {
          t.row(tok.id(), tok.clientId(), tok.createdAt(), tok.expiresAt(), tok.revokedAt(), tok.lastUsedAt());
        }
        t.print(spec.commandLine().getOut());
      }
      return 0;
    }
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = "Create a replacement token; the old one keeps working for --overlap, then expires.")
  static final class Rotate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Parameters(index = "0", paramLabel = "TOKEN_ID", description = "Id of the token to replace, e.g. tok_...") String id;
    @Option(names = "--overlap", defaultValue = "24h", paramLabel = "DURATION", description = "How long the old token stays valid: 30m, 24h, 7d (default: ${DEFAULT-VALUE}); 0 ends it now.") String overlap;

    @Override
    public Integer call() {
      Duration keep = overlap.equals("0") ? Duration.ZERO : Expiry.lifetime("--overlap", overlap);
      try (StoreSession s = new StoreSession(config.load())) {
        IssuedSecret<StaticToken> issued = s.credentials.rotateStaticToken(id, keep);
        printIssued(spec, "static token", issued.record().id(), issued.record().expiresAt(), issued.plaintext());
        Instant oldExpiry = s.credentials.listStaticTokens(null).stream().filter(t -> t.id().equals(id))
            .map(StaticToken::expiresAt).findFirst().orElse(null);
        spec.commandLine().getOut().println("Old token " + id + " stays valid until " + oldExpiry + ".");
      }
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a static token (running servers: at once on PostgreSQL, within a second on SQLite).")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Parameters(index = "0", paramLabel = "TOKEN_ID", description = "Id from `token list`, e.g. tok_...") String id;

    @Override
    public Integer call() {
      try (StoreSession s = new StoreSession(config.load())) {
        s.credentials.revokeStaticToken(id);
        spec.commandLine().getOut().println("Revoked static token " + id);
      }
      return 0;
    }
  }

  static void printIssued(CommandSpec spec, JsonOption output, String what, String id, Instant expiresAt, String plaintext) {
    if (output.json) {
      spec.commandLine().getOut().println(JsonOption.issued(id, expiresAt, plaintext));
      return;
    }
    printIssued(spec, what, id, expiresAt, plaintext);
  }

  static void printIssued(CommandSpec spec, String what, String id, Instant expiresAt, String plaintext) {
    var out = spec.commandLine().getOut();
    out.println("Created " + what + " " + id + (expiresAt == null ? "" : ", expires " + expiresAt));
    out.println("Value (shown once, store it now): " + plaintext);
  }
}
