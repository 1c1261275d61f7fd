package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.credential.SendbirdSignatureVerifier;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.Toolgate;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The access log of a real gateway, in a file: one line per call, parsed back field by field, with
 * no credential, signature, password or query string in it.
 */
class AccessLogIntegrationTest {
  static final String TOOLS = """
        - name: token
          platform: sendbird
          method: GET
          path: /users/{user_id}/profile
          upstream: UPSTREAM/profile/{user_id}
          policy: { require: [static_token] }
        - name: signed
          platform: sendbird
          method: POST
          path: /signed
          upstream: UPSTREAM
          policy: { require: [sendbird_signature] }
        - name: dead
          method: GET
          path: /dead
          upstream: http://127.0.0.1:1
          policy: { anonymous: true }
      """;
  static final String MASTER_TOKEN = "master-token-never-logged";
  static final String BODY = "{\"order_id\":\"A-1\",\"password\":\"body-password-never-logged\"}";
  static final String QUERY = "?access_token=query-token-never-logged&password=query-password-never-logged";

  /** One call as the client saw it. */
  record Sent(String requestId, int status, int bodyBytes) {}

  @Test
  void jsonLinesCarryEachCallsOutcomeAndTimingsAndNoSecret() throws Exception {
    try (GatewayHarness h = new GatewayHarness(TOOLS + "access_log:\n  format: json\n  path: logs/access.log\n")) {
      Files.createDirectories(h.dir.resolve("logs"));
      ClientRecord client = h.admin.createClient("logged-app", "sendbird");
      h.admin.addSigningSecret(client.id(), MASTER_TOKEN.getBytes(StandardCharsets.UTF_8), null);
      String token = h.admin.createStaticToken(client.id(), null).plaintext();
      h.start();
      String signature = HexFormat.of().formatHex(SendbirdSignatureVerifier.hmac(MASTER_TOKEN.getBytes(StandardCharsets.UTF_8),
          BODY.getBytes(StandardCharsets.UTF_8)));

      List<Sent> sent = new ArrayList<>();
      sent.add(send(h, h.get("/users/u-1/profile" + QUERY).header("authorization", "Bearer " + token)));
      sent.add(send(h, h.get("/users/u-1/profile").header("authorization", "Bearer " + token + "x")));
      sent.add(send(h, h.post("/signed" + QUERY, BODY).header("x-sendbird-signature", signature)));
      sent.add(send(h, h.get("/nowhere" + QUERY)));
      sent.add(send(h, h.get("/dead")));
      sent.add(send(h, h.get("/decisions").header("X-Original-URI", "/users/u-1/profile" + QUERY).header("X-Original-Method", "GET")
          .header("authorization", "Bearer " + token)));
      assertThat(sent).extracting(Sent::status).containsExactly(200, 401, 200, 404, 502, 200);

      Path file = h.dir.resolve("logs/access.log");
      List<String> lines = awaitLines(file, sent.size());
      String all = String.join("\n", lines);
      for (String secret : List.of(token, MASTER_TOKEN, signature, "never-logged", "access_token", "Bearer")) {
        assertThat(all).doesNotContain(secret);
      }
      Map<String, JsonObject> byId = new LinkedHashMap<>();
      for (String line : lines) {
        JsonObject o = new JsonObject(line); // one object per line, nothing else
        byId.put(o.getString("http.request.id"), o);
        assertThat(Instant.parse(o.getString("@timestamp"))).isBeforeOrEqualTo(Instant.now());
        assertThat(o.getString("ecs.version")).isEqualTo("8.11.0");
        assertThat(o.getString("event.dataset")).isEqualTo("toolgate.access");
        assertThat(o.getString("log.level")).isEqualTo("info");
        assertThat(o.getString("client.ip")).isEqualTo("127.0.0.1");
        assertThat(o.getLong("event.duration")).isGreaterThanOrEqualTo(o.getLong("toolgate.gateway.duration")).isPositive();
        assertThat(o.getString("url.path")).doesNotContain("?");
      }
      assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(sent.stream().map(Sent::requestId).toList());
      for (Sent s : sent) {
        JsonObject o = byId.get(s.requestId());
        assertThat(o.getInteger("http.response.status_code")).isEqualTo(s.status());
        assertThat(o.getLong("http.response.body.bytes")).as(o.encode()).isEqualTo(s.bodyBytes());
      }

      JsonObject allowed = byId.get(sent.get(0).requestId());
      assertThat(allowed.getString("toolgate.mode")).isEqualTo("proxy");
      assertThat(allowed.getString("http.request.method")).isEqualTo("GET");
      assertThat(allowed.getString("url.path")).isEqualTo("/users/u-1/profile");
      assertThat(allowed.getString("toolgate.tool")).isEqualTo("token");
      assertThat(allowed.getString("toolgate.client_id")).isEqualTo(client.id());
      assertThat(allowed.getString("toolgate.decision")).isEqualTo("allow");
      assertThat(allowed.getString("toolgate.code")).isEqualTo("ok");
      assertThat(allowed.getString("event.outcome")).isEqualTo("success");
      assertThat(allowed.getLong("toolgate.upstream.duration")).isPositive();
      assertThat(allowed.getString("message")).isEqualTo("GET /users/u-1/profile 200 allow ok");

      JsonObject refused = byId.get(sent.get(1).requestId());
      assertThat(refused.getString("toolgate.decision")).isEqualTo("deny");
      assertThat(refused.getString("toolgate.code")).isEqualTo("token_invalid");
      assertThat(refused.getString("event.outcome")).isEqualTo("failure");
      assertThat(refused.containsKey("toolgate.client_id")).isFalse();
      assertThat(refused.containsKey("toolgate.upstream.duration")).isFalse();

      JsonObject signed = byId.get(sent.get(2).requestId());
      assertThat(signed.getLong("http.request.body.bytes")).isEqualTo(BODY.length());
      assertThat(signed.getString("toolgate.client_id")).isEqualTo(client.id());

      JsonObject unrouted = byId.get(sent.get(3).requestId());
      assertThat(unrouted.containsKey("toolgate.tool")).isFalse();
      assertThat(unrouted.getString("toolgate.code")).isEqualTo("route_not_found");
      assertThat(unrouted.getString("url.path")).isEqualTo("/nowhere");

      JsonObject dead = byId.get(sent.get(4).requestId());
      assertThat(dead.getString("toolgate.decision")).isEqualTo("allow");
      assertThat(dead.getString("toolgate.code")).isEqualTo("upstream_unreachable");
      assertThat(dead.getString("event.outcome")).isEqualTo("failure");
      assertThat(dead.getLong("toolgate.upstream.duration")).isNotNull();

      JsonObject decided = byId.get(sent.get(5).requestId());
      assertThat(decided.getString("toolgate.mode")).isEqualTo("decision");
      assertThat(decided.getString("url.path")).isEqualTo("/users/u-1/profile"); // the call judged, not /decisions
      assertThat(decided.getString("toolgate.tool")).isEqualTo("token");
      assertThat(decided.containsKey("toolgate.upstream.duration")).isFalse();
    }
  }

  @Test
  void textLinesAreLogfmtAndAllAreWrittenBeforeTheServerStops() throws Exception {
    Path file;
    List<Sent> sent = new ArrayList<>();
    try (GatewayHarness h = new GatewayHarness(TOOLS + "access_log: {format: text, path: access.txt}\n")) {
      ClientRecord client = h.admin.createClient("logged-app", "sendbird");
      String token = h.admin.createStaticToken(client.id(), null).plaintext();
      h.start();
      file = h.dir.resolve("access.txt");
      for (int i = 0; i < 20; i++) {
        sent.add(send(h, h.get("/users/u-" + i + "/profile" + QUERY).header("authorization", "Bearer " + token)));
      }
      sent.add(send(h, h.get("/users/u-1/profile").header("authorization", "Bearer " + token + "x")));
    } // closing the gateway writes what is queued
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(sent.size());
    assertThat(String.join("\n", lines)).doesNotContain("never-logged").doesNotContain("Bearer");
    // Client ids, addresses and paths: not for every local user.
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
    Map<String, String> first = logfmt(lines.get(0));
    assertThat(first.keySet()).containsExactly("time", "request_id", "mode", "method", "path", "tool", "client_id", "client_ip",
        "decision", "code", "status", "duration_ms", "gateway_ms", "upstream_ms", "bytes_in", "bytes_out");
    assertThat(first).containsEntry("request_id", sent.get(0).requestId()).containsEntry("mode", "proxy").containsEntry("method", "GET")
        .containsEntry("path", "/users/u-0/profile").containsEntry("tool", "token").containsEntry("decision", "allow")
        .containsEntry("code", "ok").containsEntry("status", "200").containsEntry("bytes_in", "0")
        .containsEntry("bytes_out", Integer.toString(sent.get(0).bodyBytes()));
    assertThat(Double.parseDouble(first.get("duration_ms"))).isGreaterThanOrEqualTo(Double.parseDouble(first.get("gateway_ms")));
    Map<String, String> last = logfmt(lines.get(lines.size() - 1));
    assertThat(last).containsEntry("client_id", "-").containsEntry("code", "token_invalid").containsEntry("status", "401")
        .containsEntry("upstream_ms", "-");
  }

  @Test
  void anAccessLogFileThatCannotBeOpenedStopsTheStart() throws Exception {
    try (GatewayHarness h = new GatewayHarness(TOOLS + "access_log: {path: no-such-dir/access.log}\n")) {
      assertThatThrownBy(() -> Toolgate.start(h.config))
          .hasMessageStartingWith("access_log.path: cannot open " + h.dir.toRealPath().resolve("no-such-dir/access.log"))
          .hasMessageContaining("for appending");
    }
  }

  static Sent send(GatewayHarness h, java.net.http.HttpRequest.Builder request) throws Exception {
    HttpResponse<String> r = h.send(request);
    return new Sent(r.headers().firstValue("x-request-id").orElseThrow(), r.statusCode(), r.body().getBytes(StandardCharsets.UTF_8).length);
  }

  /** The file's lines once it has {@code count} (written off the event loop, so a moment after the answers). */
  static List<String> awaitLines(Path file, int count) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
      if (lines.size() >= count || System.nanoTime() > deadline) {
        assertThat(lines).hasSize(count);
        return lines;
      }
      Thread.sleep(20);
    }
  }

  /** {@code key=value key="quoted value"} pairs, in order. */
  static Map<String, String> logfmt(String line) {
    Map<String, String> out = new LinkedHashMap<>();
    int i = 0;
    while (i < line.length()) {
      int eq = line.indexOf('=', i);
      String key = line.substring(i, eq);
      int end;
      String value;
      if (line.charAt(eq + 1) == '"') {
        StringBuilder v = new StringBuilder();
        end = eq + 2;
        while (line.charAt(end) != '"') {
          if (line.charAt(end) == '\\') {
            end++;
          }
          v.append(line.charAt(end++));
        }
        value = v.toString();
        end++;
      } else {
        end = line.indexOf(' ', eq);
        end = end < 0 ? line.length() : end;
        value = line.substring(eq + 1, end);
      }
      out.put(key, value);
      i = end + 1;
    }
    return out;
  }
}
