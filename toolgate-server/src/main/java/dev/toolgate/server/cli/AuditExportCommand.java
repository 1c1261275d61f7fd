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
        "so a log of millions of rows streams in constant memory: toolgate audit export --since 7d > week.ndjson"})
final class AuditExportCommand implements Callable<Integer> {
  /** Decisions read per query: about a megabyte of JSON. */
  static final int PAGE = 1000;

  @Spec CommandSpec spec;
  @Mixin ConfigOption config;
  @Option(names = "--request", paramLabel = "ID", description = "Only this request id.") String requestId;
  @Option(names = "--tool", paramLabel = "TOOL", description = "Only calls of this tool.") String tool;
  @Option(names = "--client", paramLabel = "CLIENT_ID", description = "Only calls authenticated as this client (id or name).") String client;
  @Option(names = "--decision", paramLabel = "allow|deny", description = "Only allowed or only denied calls.") String decision;
  @Option(names = "--code", paramLabel = "CODE", description = "Only this code, e.g. signature_invalid.") String code;
  @Option(names = "--since", paramLabel = "WHEN", description = "Only at or after this: an instant (2026-11-21T10:00:00Z) or an age (30m, 2h, 7d).") String since;
  @Option(names = "--until", paramLabel = "WHEN", description = "Only before this: an instant or an age.") String until;

  @Override
  public Integer call() {
    if (decision != null && !decision.equals("allow") && !decision.equals("deny")) {
      throw new UserError("--decision must be allow or deny");
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS); // what the store keeps
    Instant sinceAt = since == null ? null : AuditPruneCommand.when("--since", since, now);
    Instant untilAt = until == null ? null : AuditPruneCommand.when("--until", until, now);
    if (sinceAt != null && untilAt != null && untilAt.isBefore(sinceAt)) {
      throw new UserError("--until (" + untilAt + ") is before --since (" + sinceAt + ")");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (StoreSession s = new StoreSession(config.load())) {
      String clientId = client == null ? null : s.credentials.findClient(client).map(c -> c.id()).orElse(client);
      AuditQuery query = new AuditQuery(requestId, tool, clientId, decision, code, sinceAt, untilAt, PAGE);
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
    }
  }
}
