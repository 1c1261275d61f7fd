package dev.toolgate.server.cli;

import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.secret.SecretGenerator;
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
    @Mixin ConfigOption config;
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
      String value;
      if (source.generate) {
        value = SecretGenerator.secret(SecretGenerator.SIGNING_SECRET_PREFIX);
      } else if (source.env != null) {
        value = Secrets.fromEnv("--from-env", source.env);
      } else {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        value = in.readLine();
        if (value == null || value.isBlank()) {
          throw new UserError("no secret on standard input");
        }
      }
      value = value.strip();
      try (StoreSession s = new StoreSession(config.load())) {
        ClientRecord c = Clients.find(s, client);
        SigningSecret added = s.credentials.addSigningSecret(c.id(), value.getBytes(StandardCharsets.UTF_8), Expiry.parse(expires, Instant.now()));
        var out = spec.commandLine().getOut();
        out.println("Added signing secret " + added.id() + " to client " + c.name() + (added.expiresAt() == null ? "" : ", expires " + added.expiresAt()));
        if (source.generate) {
          out.println("Secret (shown once, store it now): " + value);
        }
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List a client's signing secrets (ids and dates, never values).")
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Option(names = "--client", required = true, paramLabel = "CLIENT", description = "Client id or name.") String client;

    @Override
    public Integer call() {
      try (StoreSession s = new StoreSession(config.load())) {
        ClientRecord c = Clients.find(s, client);
        Table t = new Table("ID", "CREATED", "EXPIRES", "REVOKED", "STATE");
        Instant now = Instant.now();
        for (SigningSecret secret : s.credentials.listSigningSecrets(c.id())) {
          t.row(secret.id(), secret.createdAt(), secret.expiresAt(), secret.revokedAt(), secret.activeAt(now) ? "active" : "inactive");
        }
        t.print(spec.commandLine().getOut());
      }
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a signing secret (running servers: at once on PostgreSQL, within a second on SQLite).")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Parameters(index = "0", paramLabel = "SECRET_ID", description = "Id from `secret list`, e.g. sec_...") String id;

    @Override
    public Integer call() {
      try (StoreSession s = new StoreSession(config.load())) {
        s.credentials.revokeSigningSecret(id);
        spec.commandLine().getOut().println("Revoked signing secret " + id);
      }
      return 0;
    }
  }
}
