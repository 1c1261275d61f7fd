package dev.toolgate.server.cli;

import dev.toolgate.core.decision.Check;
import dev.toolgate.core.port.AuditEvent;
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
  @Mixin ConfigOption config;
  @Parameters(index = "0", paramLabel = "REQUEST_ID", description = "e.g. req_1m7yy5tr949j2yxhq57apfyb5dh7b") String requestId;

  @Override
  public Integer call() {
    try (StoreSession s = new StoreSession(config.load())) {
      AuditEvent e = s.audit.find(requestId)
          .orElseThrow(() -> new UserError("no decision with request id '" + requestId + "' (it may not be written yet, or was made by another store)"));
      print(spec.commandLine().getOut(), e);
    }
    return 0;
  }

  static void print(PrintWriter out, AuditEvent e) {
    out.println(e.method() + " " + e.path() + " from " + e.remoteAddress() + " at " + e.time());
    out.println((e.decision().equals("allow") ? "ALLOWED" : "DENIED") + " (" + e.code() + ", HTTP " + e.status() + ")"
        + (e.tool() == null ? "" : " — tool " + e.tool()) + (e.clientId() == null ? "" : ", client " + e.clientId())
        + (e.configVersion() == null ? "" : ", config " + e.configVersion()));
    if (e.trace().isEmpty()) {
      out.println("  (no checks ran" + (e.detail() == null ? ")" : "): " + e.detail()));
    }
    for (Check c : e.trace()) {
      out.println("  " + (c.passed() ? "✓" : "✗") + " " + c.name() + ": " + c.detail());
    }
    if (e.decision().equals("allow") && !"ok".equals(e.code()) && e.detail() != null) {
      out.println("  then: " + e.detail());
    }
    out.flush();
  }
}
