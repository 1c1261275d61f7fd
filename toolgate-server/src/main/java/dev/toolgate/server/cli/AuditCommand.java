package dev.toolgate.server.cli;

import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.server.store.AuditQuery;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "audit", mixinStandardHelpOptions = true, subcommands = {AuditExportCommand.class, AuditPruneCommand.class},
    description = {"List recorded decisions, newest first. Every call is recorded: time, request id, tool,",
        "client, ids of the credentials that matched (never their values), decision, code, latency,",
        "and the version of toolgate.yaml that decided (as logged at start and at each reload)."})
final class AuditCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConfigOption config;
  @Option(names = "--request", paramLabel = "ID", description = "Only this request id (as returned in x-request-id / problem bodies); shows its details.") String requestId;
  @Option(names = "--tool", paramLabel = "TOOL", description = "Only calls of this tool.") String tool;
  @Option(names = "--client", paramLabel = "CLIENT_ID", description = "Only calls authenticated as this client (id or name).") String client;
  @Option(names = "--decision", paramLabel = "allow|deny", description = "Only allowed or only denied calls.") String decision;
  @Option(names = "--code", paramLabel = "CODE", description = "Only this code, e.g. signature_invalid.") String code;
  @Option(names = "--since", paramLabel = "WHEN", description = "Only after this: an instant (2026-11-21T10:00:00Z) or an age (30m, 2h, 7d).") String since;
  @Option(names = "--limit", defaultValue = "50", paramLabel = "N", description = "At most N rows (default: ${DEFAULT-VALUE}).") int limit;

  @Override
  public Integer call() {
    if (decision != null && !decision.equals("allow") && !decision.equals("deny")) {
      throw new UserError("--decision must be allow or deny");
    }
    if (limit < 1 || limit > 100_000) {
      throw new UserError("--limit must be between 1 and 100000");
    }
    Instant sinceAt = since == null ? null : parseSince(since);
    try (StoreSession s = new StoreSession(config.load())) {
      String clientId = client == null ? null : s.credentials.findClient(client).map(c -> c.id()).orElse(client);
      var events = s.audit.query(new AuditQuery(requestId, tool, clientId, decision, code, sinceAt, null, limit));
      var out = spec.commandLine().getOut();
      if (requestId != null && events.size() == 1) {
        AuditEvent e = events.get(0);
        out.println("request   " + e.requestId());
        out.println("time      " + e.time());
        out.println("call      " + e.method() + " " + e.path() + " from " + e.remoteAddress());
        out.println("tool      " + (e.tool() == null ? "-" : e.tool()));
        out.println("client    " + (e.clientId() == null ? "-" : e.clientId()));
        out.println("matched   " + (e.credentialIds().isEmpty() ? "-" : String.join(", ", e.credentialIds())));
        out.println("decision  " + e.decision() + " (" + e.code() + ", HTTP " + e.status() + ")");
        out.println("latency   " + e.latencyMicros() + " µs");
        out.println("config    " + (e.configVersion() == null ? "-" : e.configVersion()));
        if (e.detail() != null) {
          out.println("why       " + e.detail());
        }
        out.flush();
        return 0;
      }
      Table t = new Table("TIME", "REQUEST", "DECISION", "STATUS", "CODE", "TOOL", "CLIENT", "CREDENTIALS", "LATENCY_US", "CONFIG");
      for (AuditEvent e : events) {
        t.row(e.time(), e.requestId(), e.decision(), e.status(), e.code(), e.tool(), e.clientId(),
            e.credentialIds().isEmpty() ? null : String.join(",", e.credentialIds()), e.latencyMicros(), e.configVersion());
      }
      t.print(out);
    }
    return 0;
  }

  private static Instant parseSince(String text) {
    if (text.matches("[0-9]+[dhm]")) {
      return Instant.now().minus(Expiry.lifetime("--since", text));
    }
    try {
      return Instant.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      throw new UserError("--since must be an instant like 2026-11-21T10:00:00Z or an age like 30m, 2h, 7d");
    }
  }
}
