package dev.toolgate.server.admin;

import static dev.toolgate.server.admin.AdminApiHarness.assertProblem;
import static dev.toolgate.server.admin.AdminApiHarness.json;
import static dev.toolgate.server.admin.AdminApiHarness.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.server.store.AuditQuery;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /admin/audit/prune} over real HTTP. */
class AuditPruneAdminApiTest extends AdminApiTestBase {
  static final Instant NOW = AdminApiHarness.START;

  @BeforeEach
  void start() {
    // One decision an hour over the last ten days, the newest an hour ago.
    List<AuditEvent> events = new ArrayList<>();
    for (int h = 1; h <= 240; h++) {
      events.add(AuditAdminApiTest.decision(String.format("req_%03d", h), NOW.minus(Duration.ofHours(h)), "refund", null, "allow", "ok"));
    }
    api.audit.appendBatch(events);
  }

  int remaining() {
    return api.audit.query(AuditQuery.latest(1000)).size();
  }

  static String before(Instant before) {
    return new JsonObject().put("before", before.toString()).encode();
  }

  @Test
  void deletesWhatIsOlderThanBeforeAndSaysHowMany() {
    Instant cutoff = NOW.minus(Duration.ofDays(7));
    JsonObject pruned = ok(api.call("POST", "/admin/audit/prune", before(cutoff)));
    assertThat(pruned).isEqualTo(new JsonObject().put("deleted", 72L).put("before", "2026-02-22T09:00:00.500Z"));
    assertThat(remaining()).isEqualTo(168);
    assertThat(api.audit.query(AuditQuery.latest(1000))).allSatisfy(e -> assertThat(e.time()).isAfterOrEqualTo(cutoff));

    // Again: nothing more to delete.
    assertThat(ok(api.call("POST", "/admin/audit/prune", before(cutoff))).getLong("deleted")).isZero();
    // An offset is understood; exactly 24 hours ago is the latest cutoff allowed.
    assertThat(ok(api.call("POST", "/admin/audit/prune", "{\"before\": \"2026-02-28T10:00:00.500+01:00\"}")).getLong("deleted")).isEqualTo(144);
    assertThat(remaining()).isEqualTo(24);
  }

  @Test
  void theLastDayIsAlwaysKept() {
    for (Instant tooRecent : List.of(NOW.minus(Duration.ofHours(24)).plusMillis(1), NOW.minus(Duration.ofHours(1)), NOW, NOW.plus(Duration.ofDays(365)))) {
      HttpResponse<String> r = api.call("POST", "/admin/audit/prune", before(tooRecent));
      assertProblem(r, 400, "invalid_request");
      assertThat(json(r).getString("detail")).contains("before must be at least 24 hours ago").contains("2026-02-28T09:00:00.500Z");
    }
    assertThat(remaining()).isEqualTo(240);
  }

  @Test
  void badBodiesAre400NamingBefore() {
    for (String body : List.of("{}", "{\"before\": null}", "{\"before\": 1700000000000}", "{\"before\": \"last week\"}",
        "{\"before\": \"2026-02-01\"}", "{\"before\": \"2026-02-01T00:00:00\"}", "{\"before\": [\"2026-02-01T00:00:00Z\"]}",
        "{\"befor\": \"2026-02-01T00:00:00Z\"}")) {
      HttpResponse<String> r = api.call("POST", "/admin/audit/prune", body);
      assertProblem(r, 400, "invalid_request");
      assertThat(json(r).getString("detail")).as(body).contains("before");
    }
    for (String body : List.of("[]", "\"2026-02-01T00:00:00Z\"", "{\"before\": ")) {
      assertProblem(api.call("POST", "/admin/audit/prune", body), 400, "invalid_request");
    }
    assertProblem(api.call("POST", "/admin/audit/prune", "{\"before\": \"" + "9".repeat(17 * 1024) + "\"}"), 413, "body_too_large");
    assertThat(remaining()).isEqualTo(240);
  }

  @Test
  void onlyAdminsPrune() {
    String body = before(NOW.minus(Duration.ofDays(9)));
    for (AdminRole role : List.of(AdminRole.OPERATOR, AdminRole.READ_ONLY, AdminRole.TOKEN_MINTER)) {
      HttpResponse<String> r = api.call("POST", "/admin/audit/prune", body, api.token(role));
      assertProblem(r, 403, "admin_role_forbidden");
      assertThat(json(r).getString("detail")).contains(role.value()).contains("administer");
    }
    assertProblem(api.call("POST", "/admin/audit/prune", body, null), 401, "admin_token_invalid");
    assertThat(remaining()).isEqualTo(240);
    assertThat(ok(api.call("POST", "/admin/audit/prune", body, api.token(AdminRole.ADMIN))).getLong("deleted")).isEqualTo(24);
  }

  @Test
  void refusedWhileAuditRecordsWaitInSpillFiles() throws IOException {
    Path spilled = api.spillDir.resolve("audit-spill-20260301T085900000-0a1b2c3d.jsonl");
    Files.writeString(spilled, "{\"request_id\":\"req_late\"}\n");
    Files.writeString(api.spillDir.resolve("unrelated.txt"), "not a spill file");

    HttpResponse<String> r = api.call("POST", "/admin/audit/prune", before(NOW.minus(Duration.ofDays(2))));
    assertProblem(r, 409, "conflict");
    assertThat(json(r).getString("detail")).contains("26 bytes of audit records wait in spill files").contains("nothing was deleted");
    assertThat(remaining()).isEqualTo(240);

    Files.delete(spilled); // written to the store: the writer deletes the file
    assertThat(ok(api.call("POST", "/admin/audit/prune", before(NOW.minus(Duration.ofDays(2))))).getLong("deleted")).isEqualTo(192);
  }

  @Test
  void aHandWrittenPruneOnARawSocket() {
    // A NUL smuggled into the time as a JSON escape: refused, naming the field.
    String body = "{\"before\":\"2026-02-20T09:00:00.500Z\\u0000\"}";
    String answer = api.raw("POST /admin/audit/prune HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + api.adminToken
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
    assertThat(answer).startsWith("HTTP/1.1 400").contains("before must be an RFC 3339 time");

    String chunked = "{\"before\":\"2026-02-20T09:00:00.500Z\"}";
    String viaChunks = api.raw("POST /admin/audit/prune HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + api.adminToken
        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + Integer.toHexString(10) + "\r\n" + chunked.substring(0, 10) + "\r\n"
        + Integer.toHexString(chunked.length() - 10) + "\r\n" + chunked.substring(10) + "\r\n0\r\n\r\n");
    assertThat(viaChunks).startsWith("HTTP/1.1 200").contains("\"deleted\":24");
  }
}
