package dev.toolgate.server.cli;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.server.Toolgate;
import dev.toolgate.server.store.AuditRetention;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "prune", mixinStandardHelpOptions = true,
    description = {"Delete the decisions recorded before a time, for retention (also POST /admin/audit/prune).",
        "The last 24 hours are always kept, and nothing is deleted while audit records still wait in the",
        "spill directory (audit.spill_dir) to be written to the store."})
final class AuditPruneCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConfigOption config;
  @Option(names = "--before", required = true, paramLabel = "WHEN",
      description = "Delete what is older than this: an instant (2026-01-01T00:00:00Z) or an age (90d, 48h).") String before;

  @Override
  public Integer call() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS); // what the store keeps
    Instant cutoff = when("--before", before, now);
    GatewayConfig loaded = config.load();
    try (StoreSession s = new StoreSession(loaded)) {
      long deleted = AuditRetention.prune(s.audit, cutoff, now, Toolgate.spillDir(loaded));
      spec.commandLine().getOut().println("Deleted " + deleted + " audit record" + (deleted == 1 ? "" : "s") + " older than " + cutoff);
    }
    return 0;
  }

  /** An instant ({@code 2026-11-21T10:00:00Z}, or with an offset) or an age before {@code now} ({@code 30m}, {@code 2h}, {@code 7d}). */
  static Instant when(String option, String text, Instant now) {
    if (text.matches("[0-9]+[dhm]")) {
      return now.minus(Expiry.lifetime(option, text));
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new UserError(option + " must be an instant like 2026-11-21T10:00:00Z or an age like 30m, 2h, 7d");
    }
  }
}
