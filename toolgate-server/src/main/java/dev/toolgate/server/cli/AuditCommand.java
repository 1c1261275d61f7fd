package dev.toolgate.server.cli;

import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.server.admin.AdminResources;
import dev.toolgate.server.admin.AuditCursor;
import dev.toolgate.server.store.AuditQuery;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "audit", mixinStandardHelpOptions = true, subcommands = {AuditExportCommand.class, AuditPruneCommand.class},
    description = {"List recorded decisions, newest first. Every call is recorded: time, request id, tool,",
        "client, ids of the credentials that matched (never their values), decision, code, latency,",
        "and the version of toolgate.yaml that decided (as logged at start and at each reload).",
        "With --request, shows that decision's details."})
final class AuditCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StoreOrServer where;
  @Mixin OutputOption output;
  @Mixin AuditFilterOptions filters;
  @Option(names = "--limit", defaultValue = "50", paramLabel = "N", description = "At most N rows (default: ${DEFAULT-VALUE}).") int limit;
  @Option(names = "--cursor", paramLabel = "CURSOR",
      description = "Continue after the last row of an earlier listing: the next_cursor it printed with -o json.") String cursor;

  /** Decisions per request in server mode: the admin API's largest page. */
  private static final int PAGE = 1000;

  @Override
  public Integer call() {
    Instant sinceAt = filters.sinceAt(Instant.now());
    if (limit < 1 || limit > 100_000) {
      throw UserError.usage("--limit must be between 1 and 100000");
    }
    AuditQuery.Position after = cursor == null ? null : position(cursor);
    JsonObject found = where.remote() ? remote(sinceAt) : where.store(s -> {
      AuditQuery query = filters.query(s, sinceAt, null, limit + 1).withAfter(after);
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
    Map<String, Object> params = filters.params(api, sinceAt, null);
    JsonArray all = new JsonArray();
    String next = cursor;
    do {
      params.put("limit", Math.min(PAGE, limit - all.size()));
      params.put("cursor", next);
      JsonObject page = api.get(AdminClient.query("/admin/decisions", params));
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
    if (filters.oneRequest() && events.size() == 1) {
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
}
