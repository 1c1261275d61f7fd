package dev.toolgate.server.cli;

import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.server.admin.AdminResources;
import dev.toolgate.server.store.AuditQuery;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Print every recorded decision matching the filters as JSON lines, newest first: one object per",
        "line, the shape of GET /admin/decisions/{request_id} (also GET /admin/audit/export). Read in pages,",
        "so a log of millions of rows streams in constant memory: toolgate audit export --since 7d > week.ndjson",
        "JSON lines whatever -o says (-o json makes a failure a JSON object on stderr too)."})
final class AuditExportCommand implements Callable<Integer> {
  /** Decisions read per query: about a megabyte of JSON. */
  static final int PAGE = 1000;

  @Spec CommandSpec spec;
  @Mixin StoreOrServer where;
  /** JSON lines whatever it says; -o json makes a failure JSON too. */
  @Mixin OutputOption output;
  @Mixin AuditFilterOptions filters;
  @Option(names = "--until", paramLabel = "WHEN", description = "Only before this: an instant or an age.") String until;

  @Override
  public Integer call() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS); // what the store keeps
    Instant sinceAt = filters.sinceAt(now);
    Instant untilAt = until == null ? null : AuditPruneCommand.when("--until", until, now);
    if (sinceAt != null && untilAt != null && untilAt.isBefore(sinceAt)) {
      throw UserError.usage("--until (" + untilAt + ") is before --since (" + sinceAt + ")");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (where.remote()) {
      where.api().lines(AdminClient.query("/admin/audit/export", filters.params(where.api(), sinceAt, untilAt)), out::println);
      out.flush();
      return 0;
    }
    return where.store(s -> {
      AuditQuery query = filters.query(s, sinceAt, untilAt, PAGE);
      while (true) {
        List<AuditEvent> page = s.audit.query(query);
        for (AuditEvent e : page) {
          out.println(AdminResources.decision(e).encode());
        }
        out.flush();
        if (page.size() < PAGE) {
          return 0;
        }
        query = query.withAfter(AuditQuery.Position.of(page.get(page.size() - 1)));
      }
    });
  }
}
