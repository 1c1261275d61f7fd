package dev.toolgate.server.cli;

import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.server.admin.AdminJson;
import dev.toolgate.server.admin.AdminResources;
import dev.toolgate.server.admin.AuditCursor;
import dev.toolgate.server.store.AuditQuery;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
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
  @Mixin StoreOrServer where;
  @Mixin OutputOption output;
  @Option(names = "--request", paramLabel = "ID", description = "Only this request id (as returned in x-request-id / problem bodies); shows its details.") String requestId;
  @Option(names = "--tool", paramLabel = "TOOL", description = "Only calls of this tool.") String tool;
  @Option(names = "--client", paramLabel = "CLIENT_ID", description = "Only calls authenticated as this client (id or name).") String client;
  @Option(names = "--decision", paramLabel = "allow|deny", description = "Only allowed or only denied calls.") String decision;
  @Option(names = "--code", paramLabel = "CODE", description = "Only this code, e.g. signature_invalid.") String code;
  @Option(names = "--since", paramLabel = "WHEN", description = "Only after this: an instant (2026-11-21T10:00:00Z) or an age (30m, 2h, 7d).") String since;
  @Option(names = "--limit", defaultValue = "50", paramLabel = "N", description = "At most N rows (default: ${DEFAULT-VALUE}).") int limit;
  @Option(names = "--cursor", paramLabel = "CURSOR",
      description = "Continue after the last row of an earlier listing: the next_cursor it printed with -o json.") String cursor;

  /** Decisions per request in server mode: the admin API's largest page. */
  private static final int PAGE = 1000;

  @Override
  public Integer call() {
    if (decision != null && !decision.equals("allow") && !decision.equals("deny")) {
      throw UserError.usage("--decision must be allow or deny");
    }
    if (limit < 1 || limit > 100_000) {
      throw UserError.usage("--limit must be between 1 and 100000");
    }
    Instant sinceAt = since == null ? null : parseSince(since);
    AuditQuery.Position after = cursor == null ? null : position(cursor);
    JsonObject found = where.remote() ? remote(sinceAt) : where.store(s -> {
      String clientId = client == null ? null : s.credentials.findClient(client).map(c -> c.id()).orElse(client);
      AuditQuery query = new AuditQuery(requestId, tool, clientId, decision, code, sinceAt, null, limit + 1).withAfter(after);
      List<AuditEvent> events = s.audit.query(query); // one more than asked says whether there is a next page
      List<AuditEvent> page = events.subList(0, Math.min(limit, events.size()));
      return AdminResources.decisions(page, events.size() > limit ? AuditQuery.Position.of(page.get(page.size() - 1)) : null);
    });
    output.print(spec, found, out -> print(out, found));
    return 0;
  }

  /** The same through the admin API, page after page (at most 1,000 each) until {@code --limit} decisions. */
  private JsonObject remote(Instant sinceAt) {
    AdminClient api = where.api();
    String clientId = client == null ? null : Clients.idOrSame(api, client);
    JsonArray all = new JsonArray();
    String next = cursor;
    do {
      JsonObject page = api.get(AdminClient.query("/admin/decisions", AdminClient.params("request_id", requestId, "tool", tool,
          "client_id", clientId, "decision", decision, "code", code, "since", AdminJson.time(sinceAt),
          "limit", Math.min(PAGE, limit - all.size()), "cursor", next)));
      page.getJsonArray("decisions", new JsonArray()).forEach(all::add);
      next = page.getString("next_cursor");
    } while (next != null && all.size() < limit);
    return new JsonObject().put("decisions", all).put("next_cursor", next);
  }

  private static AuditQuery.Position position(String cursor) {
    try {
      return AuditCursor.decode(cursor);
    } catch (IllegalArgumentException e) {
      throw UserError.usage("--cursor " + e.getMessage());
    }
  }

  private void print(PrintWriter out, JsonObject found) {
    var events = Json.objects(found, "decisions");
    if (requestId != null && events.size() == 1) {
      JsonObject e = events.get(0);
      out.println("request   " + e.getString("request_id"));
      out.println("time      " + e.getString("time"));
      out.println("call      " + e.getString("method") + " " + e.getString("path") + " from " + e.getString("remote_address"));
      out.println("tool      " + orDash(e.getString("tool")));
      out.println("client    " + orDash(e.getString("client_id")));
      var matched = Json.strings(e, "credential_ids");
      out.println("matched   " + (matched.isEmpty() ? "-" : String.join(", ", matched)));
      out.println("decision  " + e.getString("decision") + " (" + e.getString("code") + ", HTTP " + e.getValue("status") + ")");
      out.println("latency   " + e.getValue("latency_micros") + " µs");
      out.println("config    " + orDash(e.getString("config_version")));
      if (e.getString("detail") != null) {
        out.println("why       " + e.getString("detail"));
      }
      return;
    }
    Table t = new Table("TIME", "REQUEST", "DECISION", "STATUS", "CODE", "TOOL", "CLIENT", "CREDENTIALS", "LATENCY_US", "CONFIG");
    for (JsonObject e : events) {
      var matched = Json.strings(e, "credential_ids");
      t.row(e.getValue("time"), e.getValue("request_id"), e.getValue("decision"), e.getValue("status"), e.getValue("code"), e.getValue("tool"),
          e.getValue("client_id"), matched.isEmpty() ? null : String.join(",", matched), e.getValue("latency_micros"), e.getValue("config_version"));
    }
    t.print(out);
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }

  private static Instant parseSince(String text) {
    if (text.matches("[0-9]+[dhm]")) {
      return Instant.now().minus(Expiry.lifetime("--since", text));
    }
    try {
      return Instant.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      throw UserError.usage("--since must be an instant like 2026-11-21T10:00:00Z or an age like 30m, 2h, 7d");
    }
  }
}
