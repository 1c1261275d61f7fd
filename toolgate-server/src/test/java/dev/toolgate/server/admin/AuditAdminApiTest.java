package dev.toolgate.server.admin;

import static dev.toolgate.server.admin.AdminApiHarness.assertProblem;
import static dev.toolgate.server.admin.AdminApiHarness.json;
import static dev.toolgate.server.admin.AdminApiHarness.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.decision.Check;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.server.store.AuditQuery;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code GET /admin/decisions} (filters, keyset pages) and {@code GET /admin/audit/export} over real HTTP. */
class AuditAdminApiTest extends AdminApiTestBase {
  static final Instant T0 = AdminApiHarness.START.minus(Duration.ofDays(3));

  static AuditEvent decision(String id, Instant time, String tool, String client, String decision, String code) {
    boolean allowed = decision.equals("allow");
    return new AuditEvent(time, id, "POST", "/tools/" + tool, "10.0.0.1", tool, client, client == null ? List.of() : List.of("tok_" + client),
        decision, code, allowed ? 200 : 401, 321, allowed ? null : "why it was denied",
        List.of(new Check("route", true, "POST /tools/" + tool + " is tool " + tool), new Check("static_token", allowed, code)), "0123456789ab");
  }

  /** n decisions one second apart from T0, two tools, three clients, every third denied. */
  void write(int n) {
    List<AuditEvent> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(decision(String.format("req_%05d", i), T0.plusSeconds(i), i % 2 == 0 ? "refund" : "status", "cl_" + (i % 3),
          i % 3 == 0 ? "deny" : "allow", i % 3 == 0 ? "token_invalid" : "ok"));
    }
    api.audit.appendBatch(events);
  }

  static List<String> ids(JsonObject page) {
    return page.getJsonArray("decisions").stream().map(o -> ((JsonObject) o).getString("request_id")).toList();
  }

  static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Test
  void listsNewestFirstInTheDecisionShapeWithChecks() {
    AuditEvent first = decision("req_a", T0, "refund", "cl_1", "deny", "token_invalid");
    AuditEvent second = decision("req_b", T0.plusMillis(1), "status", null, "allow", "ok");
    api.audit.appendBatch(List.of(first, second));

    JsonObject page = ok(api.call("GET", "/admin/decisions", null));
    assertThat(page.fieldNames()).containsExactlyInAnyOrder("decisions", "next_cursor");
    assertThat(page.getValue("next_cursor")).isNull();
    assertThat(ids(page)).containsExactly("req_b", "req_a");
    JsonObject item = page.getJsonArray("decisions").getJsonObject(1);
    assertThat(item).isEqualTo(AdminResources.decision(first));
    assertThat(item).isEqualTo(ok(api.call("GET", "/admin/decisions/req_a", null)));
    assertThat(item.getJsonArray("checks")).hasSize(2);
    assertThat(item.getJsonArray("checks").getJsonObject(1).getMap())
        .containsEntry("check", "static_token").containsEntry("passed", false);
    assertThat(item.getString("time")).isEqualTo("2026-02-26T09:00:00.500Z");
  }

  @Test
  void everyFilterAndTheirCombination() {
    write(30);
    assertThat(ids(ok(api.call("GET", "/admin/decisions?tool=refund", null)))).hasSize(15).allMatch(id -> Integer.parseInt(id.substring(4)) % 2 == 0);
    assertThat(ids(ok(api.call("GET", "/admin/decisions?client_id=cl_1", null)))).hasSize(10)
        .allMatch(id -> Integer.parseInt(id.substring(4)) % 3 == 1);
    assertThat(ids(ok(api.call("GET", "/admin/decisions?decision=deny", null)))).hasSize(10)
        .allMatch(id -> Integer.parseInt(id.substring(4)) % 3 == 0);
    assertThat(ids(ok(api.call("GET", "/admin/decisions?decision=allow", null)))).hasSize(20);
    assertThat(ids(ok(api.call("GET", "/admin/decisions?code=token_invalid", null)))).hasSize(10);
    assertThat(ids(ok(api.call("GET", "/admin/decisions?request_id=req_00007", null)))).containsExactly("req_00007");
    assertThat(ids(ok(api.call("GET", "/admin/decisions?request_id=req_nope", null)))).isEmpty();
    // since inclusive, until exclusive; offsets are understood.
    assertThat(ids(ok(api.call("GET", "/admin/decisions?since=" + q(T0.plusSeconds(5).toString()) + "&until=" + q(T0.plusSeconds(8).toString()), null))))
        .containsExactly("req_00007", "req_00006", "req_00005");
    assertThat(ids(ok(api.call("GET", "/admin/decisions?since=" + q("2026-02-26T10:00:28.500+01:00"), null))))
        .containsExactly("req_00029", "req_00028");
    assertThat(ids(ok(api.call("GET", "/admin/decisions?tool=refund&decision=deny&client_id=cl_0&until=" + q(T0.plusSeconds(13).toString()), null))))
        .containsExactly("req_00012", "req_00006", "req_00000");
    // Empty values are no filter (what a form sends for a blank field).
    assertThat(ids(ok(api.call("GET", "/admin/decisions?tool=&client_id=&decision=&code=&since=&until=&limit=&cursor=", null)))).hasSize(30);
  }

  @Test
  void limitDefaultsTo100AndIsBetween1And1000() {
    write(1001);
    JsonObject first = ok(api.call("GET", "/admin/decisions", null));
    assertThat(ids(first)).hasSize(100).startsWith("req_01000");
    assertThat(first.getString("next_cursor")).isNotBlank();
    assertThat(ids(ok(api.call("GET", "/admin/decisions?limit=1", null)))).containsExactly("req_01000");
    JsonObject most = ok(api.call("GET", "/admin/decisions?limit=1000", null));
    assertThat(ids(most)).hasSize(1000).endsWith("req_00001");
    assertThat(ids(ok(api.call("GET", "/admin/decisions?limit=1000&cursor=" + most.getString("next_cursor"), null)))).containsExactly("req_00000");
    for (String bad : List.of("0", "1001", "-1", "abc", "1.5", "1e3", "99999999999999999999", "%201", "0x10")) {
      HttpResponse<String> r = api.call("GET", "/admin/decisions?limit=" + bad, null);
      assertProblem(r, 400, "invalid_request");
      assertThat(json(r).getString("detail")).as(bad).contains("limit");
    }
  }

  @Test
  void pagesStayExactWhileDecisionsAreRecordedBetweenReads() {
    // 250 decisions, five to a millisecond, so pages end inside groups of ties.
    List<AuditEvent> events = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      events.add(decision(String.format("req_%03d", (i * 37) % 250), T0.plusMillis(i / 5), "refund", null, "allow", "ok"));
    }
    api.audit.appendBatch(events);
    List<String> expected = api.audit.query(AuditQuery.latest(1000)).stream().map(AuditEvent::requestId).toList();

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = ok(api.call("GET", "/admin/decisions?limit=40" + (cursor == null ? "" : "&cursor=" + cursor), null));
      seen.addAll(ids(page));
      cursor = page.getString("next_cursor");
      pages++;
      // Live traffic between two reads: a newer decision, and one in the same millisecond as the
      // page's last that sorts before it (request ids break ties, descending): both behind the reader.
      JsonArray items = page.getJsonArray("decisions");
      Instant lastTime = Instant.parse(items.getJsonObject(items.size() - 1).getString("time"));
      api.audit.appendBatch(List.of(decision("req_new_" + pages, AdminApiHarness.START.plusSeconds(pages), "refund", null, "allow", "ok"),
          decision("req_zzz_" + pages, lastTime, "refund", null, "allow", "ok")));
    } while (cursor != null);

    assertThat(pages).isEqualTo(7);
    assertThat(new HashSet<>(seen)).as("no duplicates").hasSize(seen.size());
    assertThat(seen).as("no gaps, nothing recorded behind the reader, in order").containsExactlyElementsOf(expected);
    assertThat(ids(ok(api.call("GET", "/admin/decisions?limit=1000", null)))).hasSize(250 + 2 * 7);
  }

  @Test
  void aCursorKeepsItsFiltersToTheClient() {
    write(50);
    JsonObject first = ok(api.call("GET", "/admin/decisions?decision=deny&limit=10", null));
    assertThat(ids(first)).hasSize(10);
    JsonObject second = ok(api.call("GET", "/admin/decisions?decision=deny&limit=10&cursor=" + first.getString("next_cursor"), null));
    assertThat(ids(second)).containsExactly("req_00018", "req_00015", "req_00012", "req_00009", "req_00006", "req_00003", "req_00000");
    assertThat(second.getValue("next_cursor")).isNull();
  }

  @Test
  void badFiltersAndCursorsAre400NamingTheParameter() {
    write(3);
    String garbage = Base64.getUrlEncoder().withoutPadding().encodeToString("2:123:req_x".getBytes(StandardCharsets.UTF_8));
    String noId = Base64.getUrlEncoder().withoutPadding().encodeToString("1:123:".getBytes(StandardCharsets.UTF_8));
    String badMillis = Base64.getUrlEncoder().withoutPadding().encodeToString("1:-5:req_x".getBytes(StandardCharsets.UTF_8));
    String hugeMillis = Base64.getUrlEncoder().withoutPadding().encodeToString("1:9999999999999999999999:req_x".getBytes(StandardCharsets.UTF_8));
    String notUtf8 = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[] {'1', ':', '1', ':', (byte) 0xC3, (byte) 0x28});
    String[][] cases = {
        {"cursor=!!!", "cursor"}, {"cursor=abc", "cursor"}, {"cursor=" + garbage, "cursor"}, {"cursor=" + noId, "cursor"},
        {"cursor=" + badMillis, "cursor"}, {"cursor=" + hugeMillis, "cursor"}, {"cursor=" + notUtf8, "cursor"},
        {"cursor=" + "A".repeat(600), "cursor"}, {"cursor=" + garbage + "%3D%3D", "cursor"},
        {"decision=maybe", "decision"}, {"decision=DENY", "decision"},
        {"since=yesterday", "since"}, {"since=2026-02-26", "since"}, {"until=2026-02-26T09:00:00", "until"},
        {"since=" + q(T0.plusSeconds(9).toString()) + "&until=" + q(T0.toString()), "until"},
        {"tool=a&tool=b", "tool"}, {"clientid=cl_1", "clientid"}, {"tool=%C3%28", "tool"},
    };
    for (String[] c : cases) {
      HttpResponse<String> r = api.call("GET", "/admin/decisions?" + c[0], null);
      assertProblem(r, 400, "invalid_request");
      assertThat(json(r).getString("detail")).as(c[0]).contains(c[1]);
    }
    // A position that was never a page's end is still only a position: it reads on from there.
    String made = Base64.getUrlEncoder().withoutPadding().encodeToString(("1:" + T0.plusSeconds(2).toEpochMilli() + ":req_00002").getBytes(StandardCharsets.UTF_8));
    assertThat(ids(ok(api.call("GET", "/admin/decisions?cursor=" + made, null)))).containsExactly("req_00001", "req_00000");
  }

  @Test
  void exportStreamsEveryMatchingDecisionAsJsonLines() {
    write(5000);
    HttpResponse<String> r = api.call("GET", "/admin/audit/export", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/x-ndjson");
    assertThat(r.headers().firstValue("content-disposition")).hasValue("attachment; filename=\"toolgate-audit.ndjson\"");
    assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(r.body()).endsWith("\n");
    List<String> lines = r.body().lines().toList();

    // As many lines as the list shows decisions, page after page, in the same order and shape.
    List<JsonObject> listed = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = ok(api.call("GET", "/admin/decisions?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor), null));
      page.getJsonArray("decisions").forEach(o -> listed.add((JsonObject) o));
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    assertThat(lines).hasSize(5000).hasSameSizeAs(listed);
    for (int i = 0; i < lines.size(); i += 499) {
      assertThat(new JsonObject(lines.get(i))).isEqualTo(listed.get(i));
    }
    assertThat(new JsonObject(lines.get(0)).getString("request_id")).isEqualTo("req_04999");
    assertThat(new JsonObject(lines.get(4999)).getString("request_id")).isEqualTo("req_00000");

    // Filters apply; nothing matching is an empty 200.
    List<String> denied = api.call("GET", "/admin/audit/export?decision=deny&client_id=cl_0", null).body().lines().toList();
    assertThat(denied).hasSize(1667).allMatch(l -> new JsonObject(l).getString("decision").equals("deny"));
    HttpResponse<String> none = api.call("GET", "/admin/audit/export?tool=nothing", null);
    assertThat(none.statusCode()).isEqualTo(200);
    assertThat(none.body()).isEmpty();
  }

  @Test
  void exportRefusesPagingAndBadFiltersBeforeStreaming() {
    write(3);
    for (String[] c : new String[][] {{"limit=10", "limit"}, {"cursor=abc", "cursor"}, {"decision=maybe", "decision"},
        {"since=nope", "since"}, {"bogus=1", "bogus"}}) {
      HttpResponse<String> r = api.call("GET", "/admin/audit/export?" + c[0], null);
      assertProblem(r, 400, "invalid_request");
      assertThat(json(r).getString("detail")).as(c[0]).contains(c[1]);
    }
  }

  @Test
  void readersMayListAndExportOthersMayNot() {
    write(3);
    String reader = api.token(AdminRole.READ_ONLY);
    String operator = api.token(AdminRole.OPERATOR);
    for (String path : List.of("/admin/decisions", "/admin/decisions/req_00001", "/admin/audit/export")) {
      assertThat(api.call("GET", path, null, reader).statusCode()).as(path).isEqualTo(200);
      assertThat(api.call("GET", path, null, operator).statusCode()).as(path).isEqualTo(200);
      assertProblem(api.call("GET", path, null, api.token(AdminRole.TOKEN_MINTER)), 403, "admin_role_forbidden");
      assertProblem(api.call("GET", path, null, null), 401, "admin_token_invalid");
    }
  }

  @Test
  void hostileQueriesOnARawSocket() {
    write(3);
    // CR LF inside a cursor, percent-encoded: a 400 problem, nothing echoed into a header.
    String crlf = api.rawGet("/admin/decisions?cursor=abc%0D%0ASet-Cookie:%20x=1");
    assertThat(crlf).startsWith("HTTP/1.1 400").contains("\"code\":\"invalid_request\"").contains("cursor").doesNotContain("\r\nSet-Cookie");
    // A bare CR in the request line: refused by the HTTP parser, never a 500.
    String bare = api.raw("GET /admin/decisions?cursor=ab\rcd HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + api.adminToken
        + "\r\nConnection: close\r\n\r\n");
    assertThat(bare).matches("(?s)HTTP/1\\.[01] 400 .*").doesNotContain("Exception");
    // Percent-encoding that is not: a problem naming the parameter.
    assertThat(api.rawGet("/admin/decisions?tool=%zz")).startsWith("HTTP/1.1 400").contains("tool is not valid percent-encoded UTF-8");
    assertThat(api.rawGet("/admin/decisions?%zz=1")).startsWith("HTTP/1.1 400").contains("parameter name");
    // A NUL and non-UTF-8 bytes in a filter.
    assertThat(api.rawGet("/admin/decisions?tool=%00")).startsWith("HTTP/1.1 200").contains("\"decisions\":[]");
    assertThat(api.rawGet("/admin/decisions?code=%FF%FE")).startsWith("HTTP/1.1 400").contains("code");
    // A 3.5 KB filter reaches the query and matches nothing; a 10 KB query is refused before routing.
    assertThat(api.rawGet("/admin/decisions?tool=" + "t".repeat(3500))).startsWith("HTTP/1.1 200").contains("\"decisions\":[]");
    assertThat(api.rawGet("/admin/decisions?tool=" + "t".repeat(10 * 1024))).matches("(?s)HTTP/1\\.[01] 4\\d\\d .*").doesNotContain("Exception");
    // The export is streamed: chunked, no length.
    String export = api.rawGet("/admin/audit/export");
    assertThat(export).startsWith("HTTP/1.1 200").containsIgnoringCase("transfer-encoding: chunked").doesNotContainIgnoringCase("content-length");
    assertThat(api.rawGet("/admin/audit/export?" + "tool=a&".repeat(500))).startsWith("HTTP/1.1 400").contains("more than once");
    // Still serving.
    assertThat(ids(ok(api.call("GET", "/admin/decisions", null)))).hasSize(3);
  }

  @Test
  void theDecisionShapeIsTheSameInTheListTheItemAndTheExport() {
    write(1);
    JsonObject listed = ok(api.call("GET", "/admin/decisions", null)).getJsonArray("decisions").getJsonObject(0);
    JsonObject single = ok(api.call("GET", "/admin/decisions/req_00000", null));
    JsonObject exported = new JsonObject(api.call("GET", "/admin/audit/export", null).body().strip());
    assertThat(listed).isEqualTo(single).isEqualTo(exported);
    assertThat(listed.fieldNames()).containsExactlyInAnyOrder("request_id", "time", "method", "path", "remote_address", "tool", "client_id",
        "credential_ids", "decision", "code", "status", "latency_micros", "detail", "config_version", "checks");
    assertThat(listed.getJsonArray("credential_ids")).isEqualTo(new JsonArray().add("tok_cl_0"));
  }
}
