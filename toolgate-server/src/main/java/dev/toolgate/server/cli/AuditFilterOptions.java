package dev.toolgate.server.cli;

import dev.toolgate.server.admin.AdminJson;
import dev.toolgate.server.store.AuditQuery;
import java.time.Instant;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The filters {@code toolgate audit} and {@code toolgate audit export} share, as a picocli mixin:
 * one set of names, help texts and checks, one way to make them a store query or admin API
 * parameters.
 */
final class AuditFilterOptions {
  @Option(names = "--request", paramLabel = "ID", description = "Only this request id (as returned in x-request-id and in problem bodies).")
  String requestId;
  @Option(names = "--tool", paramLabel = "TOOL", description = "Only calls of this tool.") String tool;
  @Option(names = "--client", paramLabel = "CLIENT_ID", description = "Only calls authenticated as this client (id or name).") String client;
  @Option(names = "--decision", paramLabel = "allow|deny", description = "Only allowed or only denied calls.") String decision;
  @Option(names = "--code", paramLabel = "CODE", description = "Only this code, e.g. signature_invalid.") String code;
  @Option(names = "--since", paramLabel = "WHEN",
      description = "Only at or after this: an instant (2026-11-21T10:00:00Z) or an age (30m, 2h, 7d).") String since;

  /** Checks what picocli cannot, and returns {@code --since} (null without it), an age counted back from {@code now}. */
  Instant sinceAt(Instant now) {
    if (decision != null && !decision.equals("allow") && !decision.equals("deny")) {
      throw UserError.usage("--decision must be allow or deny");
    }
    return since == null ? null : AuditPruneCommand.when("--since", since, now);
  }

  /** The store query for these filters; {@code --client} by id or by name (a name no client has filters as given). */
  AuditQuery query(StoreSession s, Instant sinceAt, Instant untilAt, int limit) {
    String clientId = client == null ? null : s.credentials.findClient(client).map(c -> c.id()).orElse(client);
    return new AuditQuery(requestId, tool, clientId, decision, code, sinceAt, untilAt, limit);
  }

  /** The admin API's query parameters for these filters (GET /admin/decisions, /admin/audit/export), in order. */
  Map<String, Object> params(AdminClient api, Instant sinceAt, Instant untilAt) {
    String clientId = client == null ? null : Clients.idOrSame(api, client);
    return AdminClient.params("request_id", requestId, "tool", tool, "client_id", clientId, "decision", decision, "code", code,
        "since", AdminJson.time(sinceAt), "until", AdminJson.time(untilAt));
  }

  /** Whether one request was asked for (the listing then shows its details). */
  boolean oneRequest() {
    return requestId != null;
  }
}
