package dev.toolgate.server.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The demo's sample MCP server over real loopback HTTP: the 2025 handshake and sessions, tools,
 * progress over SSE, batches, the 2026-07-28 requests and their header checks, hostile bodies, and
 * the MCP TypeScript SDK clients 1.x and 2.x (interop/mcp/sample-server-check.mjs) when node is here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SampleMcpServerTest {
  static final Path MCP_DIR = Path.of("..", "interop", "mcp").toAbsolutePath().normalize();
  static final String MODERN = "2026-07-28";

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  Vertx vertx;
  SampleMcpServer server;
  String url;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = SampleMcpServer.start(vertx, "127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    url = "http://127.0.0.1:" + server.port() + "/mcp";
  }

  @AfterAll
  void stop() {
    vertx.close();
  }

  @Test
  void initializeAnswersTheRequestedRevisionAndIssuesASession() throws Exception {
    HttpResponse<String> r = post(initialize("2025-06-18"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    JsonObject result = new JsonObject(r.body()).getJsonObject("result");
    assertThat(result.getString("protocolVersion")).isEqualTo("2025-06-18");
    assertThat(result.getJsonObject("capabilities").getJsonObject("tools")).isNotNull();
    assertThat(result.getJsonObject("serverInfo").getString("name")).isEqualTo("toolgate-sample-shop");
    assertThat(r.headers().firstValue("mcp-session-id")).get().asString().matches("[\\x21-\\x7e]{16,}");
    JsonObject other = new JsonObject(post(initialize("1999-01-01")).body()).getJsonObject("result");
    assertThat(other.getString("protocolVersion")).isEqualTo("2025-11-25");
  }

  @Test
  void sessionsAreOptionalAnUnknownOneIs404AndDeleteEndsOne() throws Exception {
    String session = post(initialize("2025-11-25")).headers().firstValue("mcp-session-id").orElseThrow();
    assertThat(post(notification("notifications/initialized"), "mcp-session-id", session).statusCode()).isEqualTo(202);
    assertThat(post(request(2, "tools/list", null), "mcp-session-id", session).statusCode()).isEqualTo(200);
    assertThat(post(request(3, "tools/list", null)).statusCode()).isEqualTo(200);
    HttpResponse<String> unknown = post(request(4, "tools/list", null), "mcp-session-id", "never-issued");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(unknown.body()).getJsonObject("error").getInteger("code")).isEqualTo(-32001);
    assertThat(send("DELETE", null, "mcp-session-id", session).statusCode()).isEqualTo(204);
    assertThat(post(request(5, "tools/list", null), "mcp-session-id", session).statusCode()).isEqualTo(404);
    assertThat(send("DELETE", null, "mcp-session-id", session).statusCode()).isEqualTo(404);
    assertThat(send("DELETE", null).statusCode()).isEqualTo(400);
    assertThat(send("GET", null, "accept", "text/event-stream").statusCode()).isEqualTo(405);
  }

  @Test
  void toolsListDescribesTheShopToolsWithInputSchemas() throws Exception {
    JsonArray tools = result(post(request(1, "tools/list", null))).getJsonArray("tools");
    assertThat(tools.stream().map(t -> ((JsonObject) t).getString("name"))).containsExactly("lookup_order", "refund_order", "track_shipment");
    for (Object t : tools) {
      JsonObject schema = ((JsonObject) t).getJsonObject("inputSchema");
      assertThat(schema.getString("type")).isEqualTo("object");
      assertThat(schema.getJsonArray("required")).contains("order_id");
    }
    assertThat(result(post(request(2, "ping", null)))).isEqualTo(new JsonObject());
  }

  @Test
  void eachToolAnswersAndShowsTheIdentityHeadersItSaw() throws Exception {
    HttpResponse<String> r = post(call(1, "lookup_order", new JsonObject().put("order_id", "A-1001")),
        "x-toolgate-user", "ada", "x-toolgate-client", "asapp-demo");
    JsonObject order = toolText(r);
    assertThat(order.getString("status")).isEqualTo("shipped");
    assertThat(order.getString("carrier")).isEqualTo("DHL");
    assertThat(order.getJsonObject("upstream_saw").getString("x-toolgate-user")).isEqualTo("ada");
    assertThat(order.getJsonObject("upstream_saw").getString("x-toolgate-client")).isEqualTo("asapp-demo");
    assertThat(order.getJsonObject("upstream_saw").getJsonArray("credential_headers_received")).isEmpty();

    JsonObject refund = toolText(post(call(2, "refund_order", new JsonObject().put("order_id", "A-1001").put("amount", 25.5).put("customer_id", "sb-ada")),
        "authorization", "Bearer leaked"));
    assertThat(refund.getString("refund")).isEqualTo("accepted");
    assertThat(refund.getJsonObject("upstream_saw").getJsonArray("credential_headers_received")).containsExactly("authorization");

    JsonObject shipment = toolText(post(call(3, "track_shipment", new JsonObject().put("order_id", "A-1001").put("steps", 4))));
    assertThat(shipment.getJsonArray("checkpoints")).hasSize(4).endsWith("Delivered");

    for (JsonObject bad : List.of(new JsonObject().put("order_id", "A-1001").put("amount", -1).put("customer_id", "c"),
        new JsonObject().put("order_id", "A-1001").put("amount", "25").put("customer_id", "c"), new JsonObject().put("amount", 5))) {
      assertThat(result(post(call(4, "refund_order", bad))).getBoolean("isError")).as(bad.encode()).isTrue();
    }
    for (Object steps : List.of(0, 11, 2.5, "3")) {
      assertThat(result(post(call(5, "track_shipment", new JsonObject().put("order_id", "A-1").put("steps", steps)))).getBoolean("isError")).isTrue();
    }
    assertThat(errorCode(post(call(6, "delete_everything", new JsonObject())))).isEqualTo(-32602);
    assertThat(errorCode(post(request(7, "tools/call", new JsonObject().put("arguments", new JsonObject()))))).isEqualTo(-32602);
    assertThat(errorCode(post(request(8, "resources/list", null)))).isEqualTo(-32601);
  }

  @Test
  void progressIsStreamedAsEventsInOrderWithTheResultLast() throws Exception {
    JsonObject call = call(9, "track_shipment", new JsonObject().put("order_id", "A-1001").put("steps", 5));
    call.getJsonObject("params").put("_meta", new JsonObject().put("progressToken", "tok-1"));
    HttpResponse<Stream<String>> r = http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(call.encode()))
        .header("content-type", "application/json").header("accept", "application/json, text/event-stream").timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofLines());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
    List<JsonObject> events = new ArrayList<>();
    r.body().filter(line -> line.startsWith("data: ")).forEach(line -> events.add(new JsonObject(line.substring(6))));
    assertThat(events).hasSize(6);
    for (int i = 0; i < 5; i++) {
      JsonObject params = events.get(i).getJsonObject("params");
      assertThat(events.get(i).getString("method")).isEqualTo("notifications/progress");
      assertThat(params.getString("progressToken")).isEqualTo("tok-1");
      assertThat(params.getInteger("progress")).isEqualTo(i + 1);
      assertThat(params.getInteger("total")).isEqualTo(5);
    }
    JsonObject last = events.get(5);
    assertThat(last.getInteger("id")).isEqualTo(9);
    assertThat(new JsonObject(last.getJsonObject("result").getJsonArray("content").getJsonObject(0).getString("text")).getString("status")).isEqualTo("delivered");

    // Without text/event-stream in Accept the same call is answered as JSON, without progress.
    assertThat(post(call).headers().firstValue("content-type")).hasValue("application/json");
  }

  @Test
  void aBatchIsAnsweredElementByElement() throws Exception {
    JsonArray batch = new JsonArray().add(request(1, "ping", null)).add(notification("notifications/initialized"))
        .add(request(2, "tools/list", null)).add(new JsonObject().put("jsonrpc", "2.0").put("id", 3)).add(request("x", "nope", null));
    HttpResponse<String> r = send("POST", batch.encode());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonArray answers = new JsonArray(r.body());
    assertThat(answers).hasSize(4);
    assertThat(answers.getJsonObject(0).getJsonObject("result")).isEqualTo(new JsonObject());
    assertThat(answers.getJsonObject(1).getJsonObject("result").getJsonArray("tools")).hasSize(3);
    assertThat(answers.getJsonObject(2).getJsonObject("error").getInteger("code")).isEqualTo(-32600);
    assertThat(answers.getJsonObject(3).getJsonObject("error").getInteger("code")).isEqualTo(-32601);
    assertThat(answers.getJsonObject(3).getString("id")).isEqualTo("x");
    assertThat(send("POST", new JsonArray().add(notification("notifications/initialized")).encode()).statusCode()).isEqualTo(202);
    assertThat(errorCode(send("POST", "[]"))).isEqualTo(-32600);
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i <= SampleMcpServer.MAX_BATCH; i++) {
      tooMany.add(request(i, "tools/list", null));
    }
    assertThat(errorCode(send("POST", tooMany.encode()))).isEqualTo(-32600);
    HttpResponse<String> initializing = send("POST", new JsonArray().add(initialize("2025-03-26")).encode());
    assertThat(initializing.headers().firstValue("mcp-session-id")).isPresent();
  }

  @Test
  void revision20260728NeedsNoInitializeAndChecksItsHeaders() throws Exception {
    JsonObject discover = result(post(modern(request(1, "server/discover", null)), "mcp-protocol-version", MODERN, "mcp-method", "server/discover"));
    assertThat(discover.getJsonArray("supportedVersions")).containsExactly(MODERN);
    assertThat(discover.getJsonObject("capabilities").getJsonObject("tools")).isNotNull();
    assertThat(discover.getString("resultType")).isEqualTo("complete");
    assertThat(discover.getJsonObject("_meta").getJsonObject("io.modelcontextprotocol/serverInfo").getString("name")).isEqualTo("toolgate-sample-shop");

    JsonObject list = result(post(modern(request(2, "tools/list", null)), "mcp-protocol-version", MODERN, "mcp-method", "tools/list"));
    assertThat(list.getInteger("ttlMs")).isZero();
    assertThat(list.getString("cacheScope")).isEqualTo("private");
    assertThat(list.getString("resultType")).isEqualTo("complete");

    JsonObject lookup = modern(call(3, "lookup_order", new JsonObject().put("order_id", "A-1001")));
    assertThat(post(lookup, "mcp-method", "tools/call", "mcp-name", "lookup_order").statusCode()).isEqualTo(200);
    String encoded = "=?base64?" + Base64.getEncoder().encodeToString("lookup_order".getBytes(StandardCharsets.UTF_8)) + "?=";
    assertThat(post(lookup, "mcp-name", encoded).statusCode()).isEqualTo(200);
    assertThat(result(post(lookup)).getString("resultType")).isEqualTo("complete"); // headers absent: not required here

    for (String[] mismatch : List.of(new String[] {"mcp-method", "tools/list"}, new String[] {"mcp-name", "refund_order"},
        new String[] {"mcp-name", "=?base64?!!!?="}, new String[] {"mcp-protocol-version", "2025-11-25"})) {
      HttpResponse<String> r = post(lookup, mismatch);
      assertThat(r.statusCode()).as(String.join(": ", mismatch)).isEqualTo(400);
      assertThat(errorCode(r)).isEqualTo(-32020);
    }
    JsonObject future = request(4, "tools/list", new JsonObject().put("_meta", new JsonObject().put("io.modelcontextprotocol/protocolVersion", "2030-01-01")));
    HttpResponse<String> unsupported = post(future);
    assertThat(unsupported.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(unsupported.body()).getJsonObject("error").getJsonObject("data").getJsonArray("supported")).containsExactly(MODERN);
    assertThat(errorCode(post(modern(initialize("2025-11-25"))))).isEqualTo(-32601);
    assertThat(errorCode(post(request(5, "server/discover", null)))).isEqualTo(-32601);
    assertThat(post(request(6, "tools/list", null), "mcp-protocol-version", MODERN).statusCode()).isEqualTo(400);
    assertThat(post(request(7, "tools/list", null), "mcp-protocol-version", "1999-01-01").statusCode()).isEqualTo(400);
    assertThat(send("POST", new JsonArray().add(modern(request(8, "tools/list", null))).encode()).statusCode()).isEqualTo(400);
  }

  @Test
  void hostileBodiesAre4xxNeverA500() throws Exception {
    List<HttpResponse<String>> refused = new ArrayList<>();
    for (String body : List.of("{not json", "", "[".repeat(5000) + "]".repeat(5000), "{\"a\":1} {}")) {
      HttpResponse<String> r = send("POST", body);
      assertThat(r.statusCode()).as(body.length() > 40 ? body.substring(0, 40) : body).isEqualTo(400);
      assertThat(errorCode(r)).isEqualTo(-32700);
      refused.add(r);
    }
    HttpResponse<String> badUtf8 = http.send(HttpRequest.newBuilder(URI.create(url))
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc0, (byte) 0xaf, '"', '}'})).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(badUtf8.statusCode()).isEqualTo(400);
    for (String body : List.of("42", "\"x\"", "null", "{}", "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}", "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":[1]}")) {
      HttpResponse<String> r = send("POST", body);
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(errorCode(r)).as(body).isEqualTo(-32600);
      refused.add(r);
    }
    String padded = request(1, "ping", new JsonObject().put("pad", "x".repeat(SampleMcpServer.MAX_BODY_BYTES))).encode();
    String tooLarge = raw("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " + padded.length() + "\r\n\r\n", padded);
    assertThat(tooLarge).startsWith("HTTP/1.1 413").contains("-32600");
    String chunked = raw("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        Integer.toHexString(padded.length()) + "\r\n" + padded + "\r\n0\r\n\r\n");
    assertThat(chunked).startsWith("HTTP/1.1 413");
    assertThat(send("PUT", "{}").statusCode()).isEqualTo(405);
    assertThat(http.send(HttpRequest.newBuilder(URI.create(url + "/other")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
    for (HttpResponse<String> r : refused) {
      assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }
  }

  @Test
  void mcpSdk1xConnectsListsAndCallsTools() throws Exception {
    JsonObject line = nodeCheck("v1", null);
    assertThat(line.getString("protocolVersion")).isEqualTo("2025-11-25");
  }

  @Test
  void mcpClient2xOnRevision20260728ConnectsWithoutInitialize() throws Exception {
    JsonObject line = nodeCheck("v2", "pin");
    assertThat(line.getString("protocolVersion")).isEqualTo(MODERN);
    List<String> methods = line.getJsonArray("requests").stream().map(r -> ((JsonObject) r).getString("rpc")).toList();
    assertThat(methods).contains("server/discover", "tools/list", "tools/call").doesNotContain("initialize");
  }

  @Test
  void mcpClient2xInItsDefaultLegacyModeInitializes() throws Exception {
    JsonObject line = nodeCheck("v2", "legacy");
    assertThat(line.getString("protocolVersion")).isEqualTo("2025-11-25");
    List<String> methods = line.getJsonArray("requests").stream().map(r -> ((JsonObject) r).getString("rpc")).toList();
    assertThat(methods).contains("initialize", "tools/call").doesNotContain("server/discover");
  }

  JsonObject nodeCheck(String sdk, String mode) throws Exception {
    assumeTrue(commandWorks("node", "--version"), "node is not installed: the SDK interop check is skipped");
    if (!Files.isDirectory(MCP_DIR.resolve("node_modules"))) {
      assertThat(runIn(MCP_DIR, Map.of(), "npm", "ci", "--no-audit", "--no-fund")).as("npm ci in " + MCP_DIR).startsWith("0\n");
    }
    String out = runIn(MCP_DIR, mode == null ? Map.of("MCP_URL", url, "SDK", sdk) : Map.of("MCP_URL", url, "SDK", sdk, "V2_MODE", mode),
        "node", "sample-server-check.mjs");
    assertThat(out).as(out).startsWith("0\n").contains("\"ok\":true");
    String json = out.lines().filter(l -> l.startsWith("{\"ok\"")).reduce((a, b) -> b).orElseThrow();
    return new JsonObject(json);
  }

  /** Runs a command; its exit code, a newline, and its output. */
  static String runIn(Path dir, Map<String, String> env, String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "-1\ntimed out";
    }
    return p.exitValue() + "\n" + new String(out, StandardCharsets.UTF_8);
  }

  static boolean commandWorks(String... command) {
    try {
      return runIn(Path.of("."), Map.of(), command).startsWith("0\n");
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  static JsonObject request(Object id, String method, JsonObject params) {
    JsonObject r = new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", method);
    return params == null ? r : r.put("params", params);
  }

  static JsonObject notification(String method) {
    return new JsonObject().put("jsonrpc", "2.0").put("method", method);
  }

  static JsonObject initialize(String version) {
    return request(0, "initialize", new JsonObject().put("protocolVersion", version).put("capabilities", new JsonObject())
        .put("clientInfo", new JsonObject().put("name", "test").put("version", "1")));
  }

  static JsonObject call(Object id, String tool, JsonObject arguments) {
    return request(id, "tools/call", new JsonObject().put("name", tool).put("arguments", arguments));
  }

  /** The message with the 2026-07-28 per-request envelope in its params. */
  static JsonObject modern(JsonObject message) {
    JsonObject params = message.getJsonObject("params", new JsonObject());
    params.put("_meta", new JsonObject().put("io.modelcontextprotocol/protocolVersion", MODERN)
        .put("io.modelcontextprotocol/clientCapabilities", new JsonObject()));
    return message.put("params", params);
  }

  HttpResponse<String> post(JsonObject message, String... headers) throws Exception {
    return send("POST", message.encode(), headers);
  }

  HttpResponse<String> send(String method, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("content-type", "application/json").header("accept", "application/json");
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonObject result(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject result = new JsonObject(r.body()).getJsonObject("result");
    assertThat(result).as(r.body()).isNotNull();
    return result;
  }

  static JsonObject toolText(HttpResponse<String> r) {
    JsonObject result = result(r);
    assertThat(result.getBoolean("isError", false)).as(r.body()).isFalse();
    return new JsonObject(result.getJsonArray("content").getJsonObject(0).getString("text"));
  }

  static int errorCode(HttpResponse<String> r) {
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    return new JsonObject(r.body()).getJsonObject("error").getInteger("code");
  }

  /** Exact bytes over a socket (java.net.http may fail writing a body the server refused mid-way); the whole answer as text. */
  String raw(String head, String body) throws IOException {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      try {
        out.write(body.getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) {
        // the server answers 413 and closes before reading it all: read the answer anyway
      }
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
