package dev.toolgate.server.cli;

import dev.toolgate.server.admin.AdminResources;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "explain", mixinStandardHelpOptions = true,
    description = {"Explain one decision: every check that ran for the call, whether it passed, and why.",
        "The request id is in every response's x-request-id header and in every refusal's body."})
final class ExplainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StoreOrServer where;
  @Mixin OutputOption output;
  @Parameters(index = "0", paramLabel = "REQUEST_ID", description = "e.g. req_1m7yy5tr949j2yxhq57apfyb5dh7b") String requestId;

  @Override
  public Integer call() {
    JsonObject decision = where.remote()
        ? where.api().get(AdminClient.path("/admin/decisions/{}", requestId))
        : where.store(s -> AdminResources.decision(s.audit.find(requestId).orElseThrow(() -> UserError.notFound(
            "no decision with request id '" + requestId + "' (it may not be written yet, or was made by another store)"))));
    output.print(spec, decision, out -> print(out, decision));
    return 0;
  }

  /** A decision ({@code AdminResources.decision}) in words, one line per check. */
  static void print(PrintWriter out, JsonObject e) {
    String tool = e.getString("tool");
    String client = e.getString("client_id");
    String config = e.getString("config_version");
    String detail = e.getString("detail");
    boolean allowed = "allow".equals(e.getString("decision"));
    out.println(e.getString("method") + " " + e.getString("path") + " from " + e.getString("remote_address") + " at " + e.getString("time"));
    out.println((allowed ? "ALLOWED" : "DENIED") + " (" + e.getString("code") + ", HTTP " + e.getValue("status") + ")"
        + (tool == null ? "" : " — tool " + tool) + (client == null ? "" : ", client " + client)
        + (config == null ? "" : ", config " + config));
    var checks = Json.objects(e, "checks");
    if (checks.isEmpty()) {
      out.println("  (no checks ran" + (detail == null ? ")" : "): " + detail));
    }
    for (JsonObject c : checks) {
      out.println("  " + (c.getBoolean("passed", false) ? "✓" : "✗") + " " + c.getString("check") + ": " + c.getString("detail"));
    }
    if (allowed && !"ok".equals(e.getString("code")) && detail != null) {
      out.println("  then: " + detail);
    }
    out.flush();
  }
}
