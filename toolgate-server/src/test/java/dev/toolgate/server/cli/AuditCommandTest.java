package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.port.AuditEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code toolgate audit} over events written with {@code AuditLog.appendBatch}. */
class AuditCommandTest extends CliTestSupport {
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  private AuditEvent allowed;
  private AuditEvent badSignature;
  private AuditEvent badKey;
  private AuditEvent old;

  @BeforeEach
  void writeEvents() {
    allowed = new AuditEvent(now.minus(Duration.ofMinutes(10)), "req_allow1", "POST", "/orders/status", "127.0.0.1",
        "order_status", "cl_aaa", List.of("sec_111"), "allow", "ok", 200, 1_234, null, List.of(), "3f9a0c1b2d4e");
    badSignature = new AuditEvent(now.minus(Duration.ofMinutes(5)), "req_deny1", "POST", "/orders/status", "10.0.0.7",
        "order_status", null, List.of(), "deny", "signature_invalid", 401, 87,
        "signature matches none of the 1 active signing secret(s) over the 21-byte body");
    badKey = new AuditEvent(now.minus(Duration.ofMinutes(1)), "req_deny2", "GET", "/catalog/search", "127.0.0.1",
        "catalog_search", null, List.of(), "deny", "api_key_invalid", 401, 55, "no API key matches");
    old = new AuditEvent(now.minus(Duration.ofHours(3)), "req_old1", "GET", "/users/u-1/profile", "127.0.0.1",
        "get_profile", "cl_bbb", List.of("tok_222"), "allow", "ok", 200, 3_000, null);
    withAudit(log -> {
      log.appendBatch(List.of(allowed, badSignature, badKey, old));
      return null;
    });
  }

  /** Request ids in the order the table lists them. */
  private static List<String> requestIds(Run r) {
    return r.out().lines().skip(1).map(l -> l.split("\\s+")[1]).toList();
  }

  @Test
  void listsEveryEventNewestFirst() {
    Run r = cmd("audit").ok();
    assertThat(r.out().lines().findFirst().orElseThrow())
        .matches("TIME\\s+REQUEST\\s+DECISION\\s+STATUS\\s+CODE\\s+TOOL\\s+CLIENT\\s+CREDENTIALS\\s+LATENCY_US\\s+CONFIG");
    assertThat(requestIds(r)).containsExactly("req_deny2", "req_deny1", "req_allow1", "req_old1");
    assertThat(r.out()).containsPattern(allowed.time() + "\\s+req_allow1\\s+allow\\s+200\\s+ok\\s+order_status\\s+cl_aaa\\s+sec_111\\s+1234\\s+3f9a0c1b2d4e")
        .containsPattern("req_deny1\\s+deny\\s+401\\s+signature_invalid\\s+order_status\\s+-\\s+-\\s+87\\s+-");
  }

  @Test
  void filterByDecision() {
    assertThat(requestIds(cmd("audit", "--decision", "deny").ok())).containsExactly("req_deny2", "req_deny1");
    assertThat(requestIds(cmd("audit", "--decision", "allow").ok())).containsExactly("req_allow1", "req_old1");
  }

  @Test
  void filterByTool() {
    assertThat(requestIds(cmd("audit", "--tool", "order_status").ok())).containsExactly("req_deny1", "req_allow1");
    assertThat(cmd("audit", "--tool", "refund_order").ok().out()).endsWith("(none)\n");
  }

  @Test
  void filterByCodeAndClient() {
    assertThat(requestIds(cmd("audit", "--code", "api_key_invalid").ok())).containsExactly("req_deny2");
    assertThat(requestIds(cmd("audit", "--client", "cl_bbb").ok())).containsExactly("req_old1");
    assertThat(requestIds(cmd("audit", "--decision", "deny", "--tool", "order_status").ok())).containsExactly("req_deny1");
  }

  @Test
  void requestDetail() {
    Run r = cmd("audit", "--request", "req_deny1").ok();
    assertThat(r.out()).isEqualTo(String.join("\n",
        "request   req_deny1",
        "time      " + badSignature.time(),
        "call      POST /orders/status from 10.0.0.7",
        "tool      order_status",
        "client    -",
        "matched   -",
        "decision  deny (signature_invalid, HTTP 401)",
        "latency   87 µs",
        "config    -",
        "why       signature matches none of the 1 active signing secret(s) over the 21-byte body",
        ""));

    Run allow = cmd("audit", "--request", "req_allow1").ok();
    assertThat(allow.out()).contains("client    cl_aaa\n", "matched   sec_111\n", "decision  allow (ok, HTTP 200)\n", "config    3f9a0c1b2d4e\n")
        .doesNotContain("why");
  }

  @Test
  void unknownRequestListsNothing() {
    assertThat(cmd("audit", "--request", "req_nope").ok().out()).endsWith("(none)\n");
  }

  @Test
  void limit() {
    assertThat(requestIds(cmd("audit", "--limit", "1").ok())).containsExactly("req_deny2");
    assertThat(requestIds(cmd("audit", "--limit", "3").ok())).containsExactly("req_deny2", "req_deny1", "req_allow1");
  }

  @Test
  void since() {
    assertThat(requestIds(cmd("audit", "--since", "1h").ok())).containsExactly("req_deny2", "req_deny1", "req_allow1");
    assertThat(requestIds(cmd("audit", "--since", "7m").ok())).containsExactly("req_deny2", "req_deny1");
    assertThat(requestIds(cmd("audit", "--since", "1d").ok())).hasSize(4);
    assertThat(requestIds(cmd("audit", "--since", now.minus(Duration.ofMinutes(2)).toString()).ok())).containsExactly("req_deny2");
  }

  @Test
  void badArguments() {
    cmd("audit", "--decision", "maybe").invalid("--decision must be allow or deny");
    cmd("audit", "--decision", "DENY").invalid("--decision must be allow or deny");
    cmd("audit", "--since", "1w").invalid("--since");
    cmd("audit", "--limit", "-5").invalid("--limit");
  }

  @Test
  void emptyLog() throws Exception {
    java.nio.file.Path other = dir.resolve("other");
    java.nio.file.Files.createDirectories(other);
    java.nio.file.Path otherConfig = other.resolve("toolgate.yaml");
    java.nio.file.Files.writeString(otherConfig, CONFIG);
    Run r = run("audit", "-c", otherConfig.toString()).ok();
    assertThat(r.out().lines()).hasSize(2);
    assertThat(r.out()).endsWith("(none)\n");
  }
}
