package dev.toolgate.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.http.HarnessAccess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Toolgate in front of MCP servers nobody on the team wrote, with MCP clients nobody on the team
 * wrote (interop/mcp, pinned): the SDK 2.x server (revision 2026-07-28) and the SDK 1.x server with
 * sessions (2025-11-25) as upstreams, the SDK 2.x and 1.x clients calling them through Toolgate's MCP
 * routes with an ASAPP-style static bearer token. Full sessions (tools, progress, session end), no
 * credential reaching the upstream, and a client that goes away cancelling the upstream call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpFrontDoorInteropTest {
  HarnessAccess h;
  Process upstream;
  String upstreamBase;
  String token;

  @BeforeAll
  void start() throws Exception {
    assumeTrue(NodeInteropTest.commandWorks("node", "--version"), "node is not installed");
    if (!Files.isDirectory(McpInteropTest.MCP_DIR.resolve("node_modules"))) {
      NodeInteropTest.Result ci = NodeInteropTest.run(McpInteropTest.MCP_DIR, Map.of(), "npm", "ci", "--no-audit", "--no-fund");
      assertThat(ci.exit()).as("npm ci:\n" + ci.output()).isZero();
    }
    ProcessBuilder pb = new ProcessBuilder("node", "upstream-server.mjs").directory(McpInteropTest.MCP_DIR.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("PORT", "0");
    upstream = pb.start();
    String first = new BufferedReader(new InputStreamReader(upstream.getInputStream(), StandardCharsets.UTF_8)).readLine();
    assertThat(first).as("upstream start").contains("\"listening\"");
    upstreamBase = new JsonObject(first).getString("listening");
    h = HarnessAccess.create("""
          - name: shop_v2
            path: /v2/mcp
            upstream: BASE/v2/mcp
            policy: { require: [static_token] }
            mcp:
              tools:
                whoami: {}
                count: {}
                wait_for_cancel: {}
          - name: shop_v1
            path: /v1/mcp
            upstream: BASE/v1/mcp
            policy: { require: [static_token] }
            mcp: {}
          - name: conformance
            path: /conformance/mcp
            upstream: BASE/conformance/mcp
            policy: { require: [static_token] }
            mcp: {}
        """.replace("BASE", upstreamBase));
    ClientRecord agent = h.admin().createClient("asapp-agent", "asapp");
    token = h.admin().createStaticToken(agent.id(), null).plaintext();
    h.start();
  }

  @AfterAll
  void stop() throws Exception {
    if (h != null) {
      h.close();
    }
    if (upstream != null) {
      upstream.destroy();
      upstream.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void sdk2SessionOfRevision20260728ThroughToolgate() throws Exception {
    JsonObject report = client("v2", "/v2/mcp", "session", Map.of());
    assertThat(report.encode()).doesNotContain("\"authorization_seen\":true");
    assertThat(upstreamEvents().getJsonArray("requests")).allSatisfy(r -> assertThat(((JsonObject) r).getBoolean("authorization")).isFalse());
  }

  @Test
  void sdk1SessionWithItsSessionIdThroughToolgate() throws Exception {
    JsonObject report = client("v1", "/v1/mcp", "session", Map.of());
    assertThat(report.getString("sessionId")).as("the client sees Toolgate's sealed id").isNotNull().contains(".");
  }

  @Test
  void aClientThatGoesAwayCancelsTheUpstreamCall() throws Exception {
    String id = "cancel-" + System.nanoTime();
    client("v2", "/v2/mcp", "disconnect", Map.of("CANCEL_ID", id, "ABORT_AFTER_MS", "500", "EVENTS_URL", upstreamBase + "/_events"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    JsonArray cancelled = new JsonArray();
    while (System.nanoTime() < deadline && !cancelled.encode().contains(id)) {
      cancelled = upstreamEvents().getJsonArray("cancelled", new JsonArray());
      Thread.sleep(100);
    }
    assertThat(cancelled.encode()).contains(id);
  }

  @Test
  void aDroppedStreamResumesThroughToolgateWithLastEventId() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String url = h.base() + "/v1/mcp";
    HttpResponse<String> init = http.send(post(url, null, new JsonObject().put("jsonrpc", "2.0").put("id", 0).put("method", "initialize")
        .put("params", new JsonObject().put("protocolVersion", "2025-11-25").put("capabilities", new JsonObject())
            .put("clientInfo", new JsonObject().put("name", "resume-test").put("version", "1")))), HttpResponse.BodyHandlers.ofString());
    assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
    String session = init.headers().firstValue("mcp-session-id").orElseThrow();
    http.send(post(url, session, new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/initialized")), HttpResponse.BodyHandlers.ofString());
    // A streamed call: its events carry ids the server's event store keeps.
    HttpResponse<String> counted = http.send(post(url, session, new JsonObject().put("jsonrpc", "2.0").put("id", 7).put("method", "tools/call")
        .put("params", new JsonObject().put("name", "count").put("arguments", new JsonObject().put("n", 3).put("delay_ms", 20))
            .put("_meta", new JsonObject().put("progressToken", "p")))), HttpResponse.BodyHandlers.ofString());
    assertThat(counted.statusCode()).isEqualTo(200);
    java.util.List<String> ids = counted.body().lines().filter(l -> l.startsWith("id:")).map(l -> l.substring(3).strip()).toList();
    assertThat(ids).as(counted.body()).hasSizeGreaterThanOrEqualTo(2);
    // The client lost the stream after the first event: a GET with Last-Event-ID gets the rest again, through Toolgate.
    HttpRequest resume = HttpRequest.newBuilder(URI.create(url)).GET().header("authorization", "Bearer " + token)
        .header("accept", "text/event-stream").header("mcp-session-id", session).header("mcp-protocol-version", "2025-11-25")
        .header("last-event-id", ids.get(0)).build();
    HttpResponse<java.util.stream.Stream<String>> replay = http.send(resume, HttpResponse.BodyHandlers.ofLines());
    assertThat(replay.statusCode()).isEqualTo(200);
    String last = ids.get(ids.size() - 1);
    var found = java.util.concurrent.CompletableFuture.supplyAsync(() -> replay.body().anyMatch(line -> line.equals("id: " + last) || line.equals("id:" + last)));
    assertThat(found.get(20, TimeUnit.SECONDS)).as("the replay reaches the last event " + last).isTrue();
    replay.body().close();
  }

  private HttpRequest post(String url, String session, JsonObject message) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(message.encode()))
        .header("authorization", "Bearer " + token).header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream").header("mcp-protocol-version", "2025-11-25");
    if (session != null) {
      b.header("mcp-session-id", session);
    }
    return b.build();
  }

  @Test
  void aStreamIdleForTwoMinutesSurvives() throws Exception {
    // Both eras at once: 2025-11-25 answers with an event stream that stays silent, 2026-07-28 with
    // JSON that only starts after the two minutes. Neither is cut by Toolgate.
    var legacy = java.util.concurrent.CompletableFuture.supplyAsync(() -> uncheckedClient("v1", "/v1/mcp", "idle", Map.of("SLEEP_MS", "120000")));
    JsonObject modern = client("v2", "/v2/mcp", "idle", Map.of("SLEEP_MS", "120000"));
    assertThat(modern.encode()).contains("120000");
    assertThat(legacy.get(200, TimeUnit.SECONDS).encode()).contains("120000");
  }

  @Test
  void theConformanceSuitesServerScenariosPassThroughToolgate() throws Exception {
    for (String revision : new String[] {"2026-07-28", "2025-11-25"}) {
      Map<String, String> env = Map.of("MCP_URL", h.base() + "/conformance/mcp", "AUTH", "Bearer " + token, "REQUIREMENTS", revision);
      NodeInteropTest.Result result = NodeInteropTest.run(McpInteropTest.MCP_DIR, env, "node", "conformance-server.mjs");
      String last = result.output().strip().lines().reduce((a, b) -> b).orElse("");
      assertThat(result.exit()).as(revision + ":\n" + result.output()).isZero();
      assertThat(new JsonObject(last).getBoolean("ok")).as(last).isTrue();
    }
  }

  private JsonObject uncheckedClient(String sdk, String path, String scenario, Map<String, String> extra) {
    try {
      return client(sdk, path, scenario, extra);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonObject client(String sdk, String path, String scenario, Map<String, String> extra) throws Exception {
    Map<String, String> env = new java.util.HashMap<>(Map.of("SDK", sdk, "MCP_URL", h.base() + path, "SCENARIO", scenario,
        "HEADERS", new JsonObject().put("authorization", "Bearer " + token).encode()));
    env.putAll(extra);
    NodeInteropTest.Result result = NodeInteropTest.run(McpInteropTest.MCP_DIR, env, "node", "frontdoor-client.mjs");
    String last = result.output().strip().lines().reduce((a, b) -> b).orElse("");
    assertThat(result.exit()).as(result.output()).isZero();
    JsonObject report = new JsonObject(last);
    assertThat(report.getBoolean("ok")).as(last).isTrue();
    return report;
  }

  private JsonObject upstreamEvents() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(upstreamBase + "/_events")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    return new JsonObject(r.body());
  }
}
