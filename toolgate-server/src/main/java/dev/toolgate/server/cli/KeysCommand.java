package dev.toolgate.server.cli;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.token.SigningAlgorithm;
import dev.toolgate.core.token.SigningKey;
import dev.toolgate.server.store.SigningKeyInfo;
import dev.toolgate.server.store.NotFoundException;
import dev.toolgate.server.store.SigningKeyStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "keys", mixinStandardHelpOptions = true,
    description = {"Manage the keys Toolgate signs its tokens with (published at /.well-known/jwks.json).",
        "The first key is generated when the server first starts. Private keys are stored encrypted",
        "under the master key; the JWKS carries public keys only."},
    subcommands = {KeysCommand.Rotate.class, KeysCommand.Revoke.class, KeysCommand.List.class})
final class KeysCommand {
  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = {"Generate a new signing key and make it the active one (running servers: at once on PostgreSQL, within a second on SQLite).",
          "The previous key stays in the JWKS until every token it signed has expired."})
  static final class Rotate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Option(names = "--algorithm", defaultValue = "RS256", paramLabel = "ALG",
        description = "RS256, ES256 or EdDSA (Ed25519) (default: ${DEFAULT-VALUE}).") String algorithm;

    @Override
    public Integer call() {
      SigningAlgorithm alg = algorithm(algorithm);
      GatewayConfig loaded = config.load();
      try (StoreSession s = new StoreSession(loaded)) {
        SigningKeyStore keys = signingKeys(s);
        Optional<SigningKeyInfo> previous = keys.list(loaded.authorizationServer().maxTokenTtl()).stream()
            .filter(k -> k.state() == SigningKeyInfo.State.ACTIVE).findFirst();
        SigningKey key = keys.rotate(alg);
        var out = spec.commandLine().getOut();
        out.println("Signing key " + key.kid() + " (" + alg.jws().getName() + ") is now active; new tokens are signed with it.");
        previous.ifPresent(p -> out.println(
            "Previous key " + p.kid() + " is retired and stays in the JWKS until the tokens it signed have expired."));
      }
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = {"Withdraw a signing key at once, e.g. one that leaked: it is deleted and leaves the JWKS, and every",
          "token it signed is refused (running servers: at once on PostgreSQL, within a second on SQLite). The active key is first replaced by a",
          "new one. Unlike rotate, tokens already issued with it stop working: clients must fetch new ones."})
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Parameters(index = "0", paramLabel = "KID", description = "The key's kid (see `keys list`).") String kid;
    @Option(names = "--algorithm", defaultValue = "RS256", paramLabel = "ALG",
        description = "Algorithm of the replacement key when KID is the active one: RS256, ES256 or EdDSA (default: ${DEFAULT-VALUE}).")
    String algorithm;

    @Override
    public Integer call() {
      SigningAlgorithm alg = algorithm(algorithm);
      GatewayConfig loaded = config.load();
      try (StoreSession s = new StoreSession(loaded)) {
        SigningKey replacement;
        try {
          replacement = signingKeys(s).revoke(kid, alg);
        } catch (NotFoundException e) {
          throw UserError.notFound(e.getMessage() + " (see `toolgate keys list`)");
        }
        var out = spec.commandLine().getOut();
        out.println("Signing key " + kid + " is revoked: it is no longer published, and tokens it signed are refused.");
        if (replacement != null) {
          out.println("It was the active key: " + replacement.kid() + " (" + alg.jws().getName() + ") signs new tokens now.");
        }
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"List signing keys, newest first: state, dates and master key id (never key material).",
          "States: active (signs), published (retired, still in the JWKS), expired (can be purged), pending (never used)."})
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Option(names = "--max-token-lifetime", paramLabel = "DURATION",
        description = {"The maximum token lifetime, which decides published vs expired: 30m, 24h, 7d",
            "(default: the configuration's, as the server uses it)."})
    String maxTokenLifetime;

    @Override
    public Integer call() {
      GatewayConfig loaded = config.load();
      Duration lifetime = maxTokenLifetime == null
          ? loaded.authorizationServer().maxTokenTtl()
          : Expiry.lifetime("--max-token-lifetime", maxTokenLifetime);
      try (StoreSession s = new StoreSession(loaded)) {
        Table t = new Table("KID", "ALG", "STATE", "CREATED", "ACTIVATED", "RETIRED", "MASTER KEY");
        for (SigningKeyInfo k : signingKeys(s).list(lifetime)) {
          t.row(k.kid(), k.algorithm() == null ? "?" : k.algorithm().jws().getName(), k.state().name().toLowerCase(java.util.Locale.ROOT),
              k.createdAt(), k.activatedAt(), k.retiredAt(), k.masterKeyId());
        }
        t.print(spec.commandLine().getOut());
      }
      return 0;
    }
  }

  private static SigningAlgorithm algorithm(String name) {
    return SigningAlgorithm.parse(name).orElseThrow(() -> UserError.usage("--algorithm must be RS256, ES256 or EdDSA, got '" + name + "'"));
  }

  private static SigningKeyStore signingKeys(StoreSession s) {
    return new SigningKeyStore(s.database, s.box, java.time.Clock.systemUTC());
  }
}
