package dev.toolgate.server.cli;

import dev.toolgate.core.token.SigningAlgorithm;
import dev.toolgate.server.admin.AdminResources;
import dev.toolgate.server.store.NotFoundException;
import dev.toolgate.server.store.SigningKeyInfo;
import dev.toolgate.server.store.SigningKeyStore;
import io.vertx.core.json.JsonObject;
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
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Option(names = "--algorithm", paramLabel = "ALG", description = {"RS256, ES256 or EdDSA (Ed25519) (default: " + CONFIGURED + ")."})
    String algorithm;

    @Override
    public Integer call() {
      SigningAlgorithm alg = algorithm == null ? null : algorithm(algorithm);
      record Rotated(Optional<JsonObject> previous, JsonObject key) {}
      Rotated rotated = where.remote()
          ? new Rotated(output.json() ? Optional.empty() : active(where.api().get("/admin/signing-keys")), // the text names it
              where.api().post("/admin/signing-keys/rotate", algorithmBody(alg)))
          : where.store(s -> {
            SigningKeyStore keys = signingKeys(s);
            Optional<JsonObject> previous = active(AdminResources.list("signing_keys", keys.list(lifetime(where)), AdminResources::signingKey));
            return new Rotated(previous, AdminResources.signingKey(find(keys, keys.rotate(orConfigured(alg, where)).kid(), lifetime(where))));
          });
      JsonObject key = rotated.key();
      output.print(spec, key, out -> {
        out.println("Signing key " + key.getString("kid") + " (" + key.getString("algorithm") + ") is now active; new tokens are signed with it.");
        rotated.previous().ifPresent(p -> out.println(
            "Previous key " + p.getString("kid") + " is retired and stays in the JWKS until the tokens it signed have expired."));
      });
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = {"Withdraw a signing key at once, e.g. one that leaked: it is deleted and leaves the JWKS, and every",
          "token it signed is refused (running servers: at once on PostgreSQL, within a second on SQLite). The active key is first replaced by a",
          "new one. Unlike rotate, tokens already issued with it stop working: clients must fetch new ones.",
          "With -o json: the key as it was (state revoked), with \"replacement\", the key active in its place, or null."})
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Parameters(index = "0", paramLabel = "KID", description = "The key's kid (see `keys list`).") String kid;
    @Option(names = "--algorithm", paramLabel = "ALG",
        description = {"Algorithm of the replacement key when KID is the active one: RS256, ES256 or EdDSA", "(default: " + CONFIGURED + ")."})
    String algorithm;

    @Override
    public Integer call() {
      SigningAlgorithm alg = algorithm == null ? null : algorithm(algorithm);
      JsonObject revoked;
      try {
        revoked = where.remote()
            ? where.api().post(AdminClient.path("/admin/signing-keys/{}/revoke", kid), algorithmBody(alg))
            : where.store(s -> {
              SigningKeyStore keys = signingKeys(s);
              find(keys, kid, lifetime(where)); // an unknown kid is said before a replacement key is made for nothing
              SigningKeyStore.Revocation done = keys.revokeKey(kid, orConfigured(alg, where));
              return AdminResources.revokedSigningKey(done.revoked(),
                  done.replacement() == null ? null : find(keys, done.replacement().kid(), lifetime(where)));
            });
      } catch (NotFoundException e) {
        throw UserError.notFound(e.getMessage() + " (see `toolgate keys list`)");
      } catch (UserError e) {
        throw e.exit() == ExitCode.NOT_FOUND ? UserError.notFound(e.getMessage() + " (see `toolgate keys list`)") : e;
      }
      JsonObject replacement = revoked.getJsonObject("replacement");
      output.print(spec, revoked, out -> {
        out.println("Signing key " + kid + " is revoked: it is no longer published, and tokens it signed are refused.");
        if (replacement != null) {
          out.println("It was the active key: " + replacement.getString("kid") + " (" + replacement.getString("algorithm") + ") signs new tokens now.");
        }
      });
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"List signing keys, newest first: state, dates and master key id (never key material).",
          "States: active (signs), published (retired, still in the JWKS), expired (can be purged), pending (never used)."})
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOrServer where;
    @Mixin OutputOption output;
    @Option(names = "--max-token-lifetime", paramLabel = "DURATION",
        description = {"The maximum token lifetime, which decides published vs expired: 30m, 24h, 7d",
            "(default: the configuration's, as the server uses it; not with --server, which uses its own)."})
    String maxTokenLifetime;

    @Override
    public Integer call() {
      where.storeOnly("--max-token-lifetime", maxTokenLifetime != null);
      JsonObject all = where.remote()
          ? where.api().get("/admin/signing-keys")
          : where.store(s -> {
            Duration lifetime = maxTokenLifetime == null ? lifetime(where) : Expiry.lifetime("--max-token-lifetime", maxTokenLifetime);
            return AdminResources.list("signing_keys", signingKeys(s).list(lifetime), AdminResources::signingKey);
          });
      output.print(spec, all, out -> {
        Table t = new Table("KID", "ALG", "STATE", "CREATED", "ACTIVATED", "RETIRED", "MASTER KEY");
        Json.objects(all, "signing_keys").forEach(k -> t.row(k.getValue("kid"), k.getString("algorithm") == null ? "?" : k.getString("algorithm"),
            k.getValue("state"), k.getValue("created_at"), k.getValue("activated_at"), k.getValue("retired_at"), k.getValue("master_key_id")));
        t.print(out);
      });
      return 0;
    }
  }

  /** What a new key is unless --algorithm says: as the admin API and the server's first key, the configuration's. */
  static final String CONFIGURED = "authorization_server.signing_algorithm of the configuration, RS256 unless set;"
      + " with --server, that server's";

  /** The request body: no algorithm makes the server use its configuration's. */
  private static JsonObject algorithmBody(SigningAlgorithm alg) {
    return alg == null ? new JsonObject() : new JsonObject().put("algorithm", alg.jws().getName());
  }

  private static SigningAlgorithm orConfigured(SigningAlgorithm alg, StoreOrServer where) {
    return alg != null ? alg : where.config().authorizationServer().signingAlgorithm();
  }

  private static SigningAlgorithm algorithm(String name) {
    return SigningAlgorithm.parse(name).orElseThrow(() -> UserError.usage("--algorithm must be RS256, ES256 or EdDSA, got '" + name + "'"));
  }

  /** The configuration's maximum token lifetime, which decides whether a retired key is still published. */
  private static Duration lifetime(StoreOrServer where) {
    return where.config().authorizationServer().maxTokenTtl();
  }

  private static SigningKeyStore signingKeys(StoreSession s) {
    return new SigningKeyStore(s.database, s.box, java.time.Clock.systemUTC());
  }

  private static SigningKeyInfo find(SigningKeyStore keys, String kid, Duration lifetime) {
    return keys.find(kid, lifetime).orElseThrow(() -> new NotFoundException("no signing key with kid '" + kid + "'"));
  }

  /** The active key of a {@code {"signing_keys": [...]}} list. */
  private static Optional<JsonObject> active(JsonObject list) {
    return Json.objects(list, "signing_keys").stream().filter(k -> "active".equals(k.getString("state"))).findFirst();
  }
}
