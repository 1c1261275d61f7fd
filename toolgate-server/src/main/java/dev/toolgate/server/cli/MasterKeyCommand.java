package dev.toolgate.server.cli;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.MasterKey;
import dev.toolgate.server.store.MasterKeyCheck;
import dev.toolgate.server.store.MasterKeyException;
import dev.toolgate.server.store.MasterKeyReset;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "master-key", mixinStandardHelpOptions = true,
    description = {"The master key encrypts signing secrets, signing keys and opaque-id keys in the store. It comes from",
        "the environment variable TOOLGATE_MASTER_KEY (base64 of 32 bytes) or else the file store.master_key_file.",
        "The store keeps a check value, so every command and the server refuse any other key.",
        "To replace the key on a running cluster: generate, restart with both keys,",
        "rotate, restart with the new key alone (docs/storage.md, \"Rotating the master key\")."},
    subcommands = {MasterKeyCommand.Check.class, MasterKeyCommand.Generate.class, MasterKeyRotateCommand.class, MasterKeyCommand.Reset.class})
final class MasterKeyCommand {
  @Command(name = "check", mixinStandardHelpOptions = true,
      description = {"Say whether the master key in use is this store's (exit 0) or not (exit 1, with the reason).",
          "Shows key ids only, never the key."})
  static final class Check implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Mixin OutputOption output;
    @Mixin NoServer noServer;

    @Override
    public Integer call() {
      try (StoreSession s = new StoreSession(config.load())) {
        MasterKey current = s.masterKeys.current();
        String storeKey = MasterKeyCheck.storeKeyId(s.database).orElse(current.id());
        Optional<MasterKey> previous = s.masterKeys.previous();
        boolean rotating = previous.isPresent() && storeKey.equals(previous.get().id());
        JsonObject report = new JsonObject().put("store", s.database.target()).put("store_master_key_id", storeKey)
            .put("master_key_id", current.id()).put("source", current.source())
            .put("previous_master_key_id", previous.map(MasterKey::id).orElse(null))
            .put("previous_source", previous.map(MasterKey::source).orElse(null))
            .put("rotation_in_progress", rotating);
        output.print(spec, report, out -> {
          if (rotating) {
            out.println("Master key rotation under way: the data of " + s.database.target() + " is under previous master key "
                + previous.get().id() + " (from " + previous.get().source() + "); new values are sealed under master key " + current.id()
                + " (from " + current.source() + "). Once every instance holds both keys, run `toolgate master-key rotate`.");
          } else {
            out.println("Master key " + current.id() + " (from " + current.source() + ") is the master key of " + s.database.target());
            previous.ifPresent(p -> out.println("Previous master key " + p.id() + " (from " + p.source() + ") is no longer needed:"
                + " remove it (" + MasterKey.PREVIOUS_ENV_VAR + ", store.previous_master_key_file) at the next restart."));
          }
        });
      }
      return 0;
    }
  }

  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = {"Write a new random master key (32 bytes, base64) to FILE, readable by its",
          "owner only (mode 0600), and print its key id: the first step of a rotation.",
          "The store is not touched. FILE must not exist."})
  static final class Generate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin OutputOption output;
    @Mixin NoServer noServer;
    @Parameters(paramLabel = "FILE", description = "Where to write the key; never overwritten.") Path file;

    @Override
    public Integer call() {
      MasterKey key = MasterKey.writeNew(file);
      output.print(spec, new JsonObject().put("master_key_id", key.id()).put("file", file.toAbsolutePath().toString()),
          out -> out.println("Wrote master key " + key.id() + " to " + file.toAbsolutePath()
              + ". Back it up. Next: restart every instance with it as the master key and the old key as the previous one"
              + " (see `toolgate master-key rotate --help`)."));
      return 0;
    }
  }

  @Command(name = "reset", mixinStandardHelpOptions = true,
      description = {"Only after the store's master key is lost for good: make the key in use (TOOLGATE_MASTER_KEY, or the",
          "key file, created if absent) the store's master key. What the lost key encrypted can never be decrypted",
          "again, so in one transaction: its signing secrets are deleted (add them again with `secret add`), its",
          "signing keys are deleted (the next server start makes a new one; tokens they signed stop verifying), and",
          "if it encrypted the active opaque-id key, a new one becomes active (issued identifiers keep resolving).",
          "Restart every server with the new key afterwards. Refused when the key in use already is the store's."})
  static final class Reset implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Mixin OutputOption output;
    @Mixin NoServer noServer;
    @Option(names = "--confirm-lost-key", description = "Required: confirms the old master key is lost and what it encrypted may be deleted.")
    boolean confirmed;

    @Override
    public Integer call() {
      if (!confirmed) {
        throw UserError.usage("master-key reset deletes everything encrypted under the old master key; if that key is lost for good,"
            + " run it again with --confirm-lost-key (see `toolgate master-key reset --help`)");
      }
      GatewayConfig loaded = config.load();
      try (Database database = Database.open(loaded.store())) {
        MasterKey key = MasterKey.load(loaded.store());
        if (isAlreadyTheStoreKey(database, key)) {
          throw UserError.conflict("master key " + key.id() + " (from " + key.source() + ") already is the master key of "
              + database.target() + "; nothing to reset");
        }
        MasterKeyReset.Outcome outcome = MasterKeyReset.run(database, key);
        JsonObject report = new JsonObject().put("store", database.target()).put("master_key_id", key.id()).put("source", key.source())
            .put("deleted_signing_secrets", new JsonArray(outcome.removedSigningSecrets()))
            .put("deleted_signing_keys", new JsonArray(outcome.removedSigningKeys()))
            .put("opaque_id_key_version", outcome.newOpaqueIdKeyVersion() > 0 ? outcome.newOpaqueIdKeyVersion() : null)
            .put("kept", outcome.kept());
        output.print(spec, report, out -> {
          out.println("Master key " + key.id() + " (from " + key.source() + ") is now the master key of " + database.target());
          outcome.removedSigningSecrets().forEach(s -> out.println("Deleted signing secret " + s + ": add it again with `toolgate secret add`"));
          outcome.removedSigningKeys().forEach(k -> out.println("Deleted signing key " + k + ": tokens it signed no longer verify"));
          if (outcome.newOpaqueIdKeyVersion() > 0) {
            out.println("Opaque id key version " + outcome.newOpaqueIdKeyVersion() + " is now active");
          }
          out.println("Kept " + outcome.kept() + " encrypted value(s) the new key decrypts. Restart every server with this key.");
        });
      }
      return 0;
    }

    private static boolean isAlreadyTheStoreKey(Database database, MasterKey key) {
      try {
        MasterKeyCheck.verify(database, key);
        return true;
      } catch (MasterKeyException notTheStoreKey) {
        return false;
      }
    }
  }
}
