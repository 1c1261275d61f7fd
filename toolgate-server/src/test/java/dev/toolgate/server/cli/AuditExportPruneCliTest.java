package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.decision.Check;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.server.admin.AdminResources;
import dev.toolgate.server.store.AuditQuery;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code toolgate audit export} and {@code toolgate audit prune} over events written with {@code AuditLog.appendBatch}. */
class AuditExportPruneCliTest extends CliTestSupport {
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  /** One decision an hour back from an hour ago, every third denied, for {@code clientId} on even hours. */
  private List<AuditEvent> write(int hours, String clientId) {
    List<AuditEvent> events = new ArrayList<>();
    for (int h = 1; h <= hours; h++) {
      boolean deny = h % 3 == 0;
      events.add(new AuditEvent(now.minus(Duration.ofHours(h)), String.format("req_%05d", h), "POST", "/orders/status", "10.0.0.7",
          h % 2 == 0 ? "order_status" : "catalog_search", h % 2 == 0 ? clientId : null, List.of(), deny ? "deny" : "allow",
          deny ? "signature_invalid" : "ok", deny ? 401 : 200, 87, deny ? "no signature matches" : null,
          List.of(new Check("route", true, "POST /orders/status is tool order_status")), "3f9a0c1b2d4e"));
    }
    withAudit(log -> {
      log.appendBatch(events);
      return null;
    });
    return events;
  }

  private int stored() {
    return withAudit(log -> log.query(AuditQuery.latest(100_000)).size());
  }

  @Test
  void exportPrintsEveryDecisionAsJsonLinesNewestFirstAcrossPages() {
    List<AuditEvent> events = write(2_500, "cl_aaa");
    Run r = cmd("audit", "export").ok();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(2_500);
    assertThat(new JsonObject(lines.get(0))).isEqualTo(AdminResources.decision(events.get(0)));
    assertThat(new JsonObject(lines.get(1000))).isEqualTo(AdminResources.decision(events.get(1000)));
    assertThat(new JsonObject(lines.get(2_499))).isEqualTo(AdminResources.decision(events.get(2_499)));
    assertThat(lines.stream().map(l -> new JsonObject(l).getString("request_id")).distinct()).hasSize(2_500);
  }

  @Test
  void exportFilters() {
    write(30, "cl_aaa");
    assertThat(cmd("audit", "export", "--decision", "deny").ok().out().lines()).hasSize(10)
        .allMatch(l -> new JsonObject(l).getString("code").equals("signature_invalid"));
    assertThat(cmd("audit", "export", "--tool", "order_status", "--decision", "deny").ok().out().lines()).hasSize(5);
    assertThat(cmd("audit", "export", "--client", "cl_aaa", "--code", "ok").ok().out().lines()).hasSize(10);
    assertThat(cmd("audit", "export", "--request", "req_00007").ok().out().lines()).singleElement()
        .satisfies(l -> assertThat(new JsonObject(l).getJsonArray("checks")).hasSize(1));
    assertThat(cmd("audit", "export", "--since", "5h").ok().out().lines()).hasSize(4); // 1h..4h ago, and 5h ago is a few ms earlier than "5h"
    assertThat(cmd("audit", "export", "--since", now.minus(Duration.ofHours(10)).toString(), "--until", now.minus(Duration.ofHours(5)).toString())
        .ok().out().lines()).extracting(l -> new JsonObject(l).getString("request_id"))
        .containsExactly("req_00006", "req_00007", "req_00008", "req_00009", "req_00010");
    assertThat(cmd("audit", "export", "--tool", "nothing").ok().out()).isEmpty();
  }

  @Test
  void exportByClientName() {
    String id = createClient("shop");
    write(4, id);
    assertThat(cmd("audit", "export", "--client", "shop").ok().out().lines()).hasSize(2);
  }

  @Test
  void exportRefusesBadFilters() {
    cmd("audit", "export", "--decision", "maybe").userError("--decision must be allow or deny");
    cmd("audit", "export", "--since", "1w").userError("--since");
    cmd("audit", "export", "--until", "yesterday").userError("--until");
    cmd("audit", "export", "--since", "1h", "--until", "2h").userError("--until", "is before --since");
  }

  @Test
  void pruneDeletesWhatIsOlderAndSaysHowMany() {
    write(240, "cl_aaa");
    Run r = cmd("audit", "prune", "--before", "7d").ok();
    assertThat(r.out()).startsWith("Deleted 73 audit records older than ");
    assertThat(stored()).isEqualTo(167);
    assertThat(cmd("audit", "prune", "--before", "7d").ok().out()).startsWith("Deleted 0 audit records");
    String instant = now.minus(Duration.ofHours(100)).toString();
    assertThat(cmd("audit", "prune", "--before", instant).ok().out()).isEqualTo("Deleted 67 audit records older than " + instant + "\n");
    assertThat(stored()).isEqualTo(100);
  }

  @Test
  void pruneKeepsTheLastDay() {
    write(30, "cl_aaa");
    cmd("audit", "prune", "--before", "23h").userError("before must be at least 24 hours ago");
    cmd("audit", "prune", "--before", now.plus(Duration.ofDays(1)).toString()).userError("at least 24 hours ago");
    assertThat(stored()).isEqualTo(30);
    assertThat(cmd("audit", "prune", "--before", "24h").ok().out()).startsWith("Deleted 7 audit records");
  }

  @Test
  void pruneWaitsForSpilledRecords() throws Exception {
    write(48, "cl_aaa");
    Path spillDir = dir.resolve("audit-spill"); // audit.spill_dir's default: next to the configuration
    Files.createDirectories(spillDir);
    Path file = spillDir.resolve("audit-spill-20260101T000000000-00000000.jsonl");
    Files.writeString(file, "{}\n");
    cmd("audit", "prune", "--before", "30h").userError("3 bytes of audit records wait in spill files", "nothing was deleted");
    assertThat(stored()).isEqualTo(48);
    Files.delete(file);
    assertThat(cmd("audit", "prune", "--before", "30h").ok().out()).startsWith("Deleted 19 audit records");
  }

  @Test
  void pruneArguments() {
    cmd("audit", "prune").usageError("--before");
    cmd("audit", "prune", "--before", "last week").userError("--before must be an instant");
    cmd("audit", "prune", "--before", "99999999d").userError("--before");
  }
}
