package dev.toolgate.server.cli;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.server.store.MasterKey;
import dev.toolgate.server.store.MasterKeyRotation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code toolgate master-key rotate}: re-seal everything under the new master key while servers keep running. */
@Command(name = "rotate", mixinStandardHelpOptions = true,
    description = {"Re-seal every encrypted value (signing secrets, signing keys, opaque-id keys)",
        "under the new master key and make it the store's key: the old key alone then no",
        "longer opens the store.",
        "",
        "Run it with the NEW key as the master key (TOOLGATE_MASTER_KEY or",
        "store.master_key_file) and the OLD key as the previous one",
        "(TOOLGATE_MASTER_KEY_PREVIOUS or store.previous_master_key_file), once",
        "every instance was restarted with both keys. Servers keep serving and pick up",
        "the re-sealed values within a second.",
        "",
        "Values are re-sealed in batches, each one transaction: if it stops half-way,",
        "every value still opens with one of the two keys; run it again to finish.",
        "Run when nothing is left to do, it changes nothing. It prints how many values",
        "of each kind it re-sealed, never a key or a secret.",
        "",
        "Afterwards, restart every instance without the previous key.",
        "The whole procedure: docs/storage.md, \"Rotating the master key\"."})
final class MasterKeyRotateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConfigOption config;
  @Mixin OutputOption output;
  @Mixin NoServer noServer;

  @Override
  public Integer call() {
    GatewayConfig loaded = config.load();
    if (!MasterKey.previousConfigured(loaded.store(), System::getenv)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "master-key rotate needs the old key as the previous master key:"
          + " set " + MasterKey.PREVIOUS_ENV_VAR + " or store.previous_master_key_file to it, and the new key as the master key ("
          + MasterKey.ENV_VAR + " or store.master_key_file)");
    }
    try (StoreSession s = new StoreSession(loaded)) {
      MasterKeyRotation.Outcome outcome = MasterKeyRotation.run(s.database, s.masterKeys);
      MasterKey current = s.masterKeys.current();
      JsonObject report = new JsonObject().put("store", s.database.target()).put("master_key_id", current.id()).put("source", current.source())
          .put("from_master_key_id", outcome.fromKeyId()).put("resealed", new JsonObject(new java.util.LinkedHashMap<>(outcome.resealed())))
          .put("not_resealed", new JsonArray(outcome.notResealed()));
      output.print(spec, report, out -> {
        if (outcome.total() == 0 && !outcome.checkValueMoved()) {
          out.println("Nothing to re-seal: everything in " + s.database.target() + " is under master key " + current.id()
              + " (from " + current.source() + ") already.");
        } else {
          out.println("Re-sealed under master key " + current.id() + " (from " + current.source() + "), from previous master key "
              + outcome.fromKeyId() + ":");
          for (Map.Entry<String, Integer> kind : outcome.resealed().entrySet()) {
            out.println("  " + kind.getKey() + "s: " + kind.getValue());
          }
          out.println("Master key " + current.id() + " is now the master key of " + s.database.target()
              + "; master key " + outcome.fromKeyId() + " alone no longer opens it.");
        }
        for (String left : outcome.notResealed()) {
          out.println("Not re-sealed, opens with neither key: " + left);
        }
        out.println("Next: restart every instance without the previous key (unset " + MasterKey.PREVIOUS_ENV_VAR
            + ", remove store.previous_master_key_file).");
      });
    }
    return 0;
  }
}
