package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An outsider attacking MCP routes with what they send: parser differentials, header tricks, methods,
 * content types and framing (raw sockets too). Every refusal must be the right status, never a 500 or
 * a stack trace, never echo a secret, and never reach the upstream.
 */
class McpAttackTest extends McpAttackBase {
  // ================================================================== parser differentials

  @Test
  void aMemberNamedTwiceAtAnyDepthIsRefused() throws Exception {
    String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_order\",\"arguments\":{\"a\":{\"b\":1,\"b\":2}}}}";
    refusedJsonRpc(post("/strict/mcp", body, adaToken("/strict/mcp")), 400, -32700);
    String escaped = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_order\",\"na\\u006de\":\"refund_order\"}}";
    refusedJsonRpc(post("/strict/mcp", escaped, adaToken("/strict/mcp")), 400, -32700);
  }

  @Test
  void anEscapedToolNameIsJudgedAsTheNameItSpells() throws Exception {
    String refund = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"refund\\u005forder\",\"arguments\":{}}}";
    refused(post("/mcp", refund, adaToken()), 403);
    String lookup = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup\\u005Forder\",\"arguments\":{}}}";
    allowed(post("/strict/mcp", lookup, adaToken("/strict/mcp")));
  }

  @Test
  void aByteOrderMarkDoesNotChangeWhatIsJudged() throws Exception {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] body = concat(bom, call(1, "refund_order", new JsonObject()).encode().getBytes(StandardCharsets.UTF_8));
    int before = upstream.hits.get();
    HttpResponse<String> r = h.send(base("/mcp", adaToken()).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    assertThat(r.statusCode()).as(r.body()).isIn(400, 403);
    clean(r);
    assertThat(upstream.hits.get()).isEqualTo(before);
  }

  @Test
  void loneSurrogatesAndBrokenUtf8AreNotAnotherName() throws Exception {
    String escaped = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_order\\ud800\",\"arguments\":{}}}";
    refused(post("/strict/mcp", escaped, adaToken("/strict/mcp")), 403);
    // CESU-8 of a surrogate, an overlong '_', a stray 0xFF: none is UTF-8
    for (byte[] bad : List.of(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xC1, (byte) 0x9F}, new byte[] {(byte) 0xFF})) {
      byte[] body = concat(concat("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"refund".getBytes(StandardCharsets.UTF_8), bad),
          "order\",\"arguments\":{}}}".getBytes(StandardCharsets.UTF_8));
      int before = upstream.hits.get();
      HttpResponse<String> r = h.send(base("/mcp", adaToken()).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
      refusedJsonRpc(r, 400, -32700);
      assertThat(upstream.hits.get()).isEqualTo(before);
    }
  }

  /**
   * BUG (fixed here): McpBody checked the bytes were UTF-8 and then let Jackson parse the bytes, and
   * Jackson guesses UTF-16 from NUL bytes (which are well-formed UTF-8): a UTF-16 body was judged and forwarded.
   */
  @Test
  void aBodyInUtf16IsNotReadAsAnotherEncoding() throws Exception {
    byte[] body = call(1, "lookup_order", new JsonObject()).encode().getBytes(StandardCharsets.UTF_16LE);
    int before = upstream.hits.get();
    HttpResponse<String> r = h.send(base("/strict/mcp", adaToken("/strict/mcp")).setHeader("content-type", "application/json; charset=utf-16le")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    refusedJsonRpc(r, 400, -32700);
    assertThat(upstream.hits.get()).isEqualTo(before);
  }

  @Test
  void hugeNumbersAndDeepNestingAreAnsweredNeverWithA500() throws Exception {
    String huge = "{\"jsonrpc\":\"2.0\",\"id\":" + "9".repeat(2000) + ",\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_order\",\"arguments\":{\"n\":1e999999999}}}";
    HttpResponse<String> r = post("/strict/mcp", huge, adaToken("/strict/mcp"));
    assertThat(r.statusCode()).as(r.body()).isIn(200, 400);
    clean(r);
    String deep = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_order\",\"arguments\":{\"a\":"
        + "[".repeat(200) + "]".repeat(200) + "}}}";
    refusedJsonRpc(post("/strict/mcp", deep, adaToken("/strict/mcp")), 400, -32700);
  }

  @Test
  void anythingButOneJsonValueIsRefused() throws Exception {
    String ok = call(1, "lookup_order", new JsonObject()).encode();
    for (String body : List.of(ok + "x", ok + ok, "/*c*/" + ok, ok.replace("\"id\":1", "\"id\":NaN"), ok.replace("\"id\":1", "\"id\":01"),
        ok.replace("\"lookup_order\"", "'lookup_order'"), ok.substring(0, ok.length() - 1))) {
      refusedJsonRpc(post("/strict/mcp", body, adaToken("/strict/mcp")), 400, -32700);
    }
    for (String body : List.of("\"tools/call\"", "1", "null", "true", "[]", "[[" + ok + "]]", "[1]", "{}", "[" + ok + ",null]")) {
      refusedJsonRpc(post("/strict/mcp", body, adaToken("/strict/mcp")), 400, -32600);
    }
  }

  @Test
  void aBatchOfMoreThan64IsRefusedAndEachElementIsJudged() throws Exception {
    JsonArray batch = new JsonArray();
    for (int i = 0; i < 65; i++) {
      batch.add(new JsonObject().put("jsonrpc", "2.0").put("method", "ping"));
    }
    refusedJsonRpc(post("/mcp", batch.encode(), adaToken()), 400, -32600);
    JsonArray mixed = new JsonArray().add(call(1, "lookup_order", new JsonObject())).add(call(2, "refund_order", new JsonObject()));
    refused(post("/strict/mcp", mixed.encode(), adaToken("/strict/mcp")), 403);
    refused(post("/mcp", mixed.encode(), adaToken()), 403);
  }

  @Test
  void aMessageThatIsBothRequestAndResponseIsJudgedAsTheRequest() throws Exception {
    JsonObject both = call(1, "refund_order", new JsonObject()).put("result", new JsonObject());
    refused(post("/mcp", both.encode(), adaToken()), 403);
    JsonObject responseOnly = new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("result", new JsonObject())
        .put("params", new JsonObject().put("name", "refund_order"));
    // A response carries no method: whatever its params say, no tool is called.
    assertThat(post("/strict/mcp", responseOnly.encode(), adaToken("/strict/mcp")).statusCode()).isIn(200, 202, 400);
  }

  /**
   * Minor BUG (fixed here): a "jsonrpc" or "method" whose value is an object was not skipped, so its
   * members were read as the message's own; refused only by luck, as "more after its JSON value".
   */
  @Test
  void paramsAndNamesOfTheWrongTypeAreRefused() throws Exception {
    for (String body : List.of(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":[\"refund_order\"]}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":\"refund_order\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":7}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":{\"name\":\"refund_order\"}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"arguments\":{\"name\":\"lookup_order\"}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7,\"params\":{\"name\":\"refund_order\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":{\"method\":\"tools/list\"},\"params\":{\"name\":\"refund_order\"}}",
        "{\"jsonrpc\":{\"jsonrpc\":\"2.0\"},\"id\":1,\"method\":\"tools/list\"}",
        "[{\"jsonrpc\":\"2.0\",\"method\":{\"jsonrpc\":\"2.0\",\"method\":\"tools/list\"}}]",
        "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"tools/list\"}",
        "{\"id\":1,\"method\":\"tools/list\"}")) {
      refusedJsonRpc(post("/strict/mcp", body, adaToken("/strict/mcp")), 400, -32600);
    }
    String nameBeside = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"arguments\":{\"name\":\"lookup_order\"},\"name\":\"refund_order\"}}";
    refused(post("/strict/mcp", nameBeside, adaToken("/strict/mcp")), 403);
  }

  /**
   * BUG (fixed here): Go's encoding/json matches member names ignoring case (and folds ſ to s, K to k),
   * the last one winning; segmentio/encoding (go-sdk 1.3.1 to 1.4.0) also read "name\u0000" as "name"
   * (GHSA-wvj2-96wp-fq3f, GHSA-q382-vc8q-7jhj). Toolgate judged the exact spelling and forwarded the rest.
   */
  @Test
  void membersThatCaseInsensitiveOrNulFoldingParsersReadAsAnotherAreRefused() throws Exception {
    for (String body : List.of(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_order\",\"Name\":\"refund_order\",\"arguments\":{}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_order\"},\"Params\":{\"name\":\"refund_order\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_order\"},\"param\\u017f\":{\"name\":\"refund_order\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"METHOD\":\"tools/call\",\"params\":{\"name\":\"refund_order\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_order\",\"name\\u0000\":\"refund_order\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup_order\",\"arguments\":{},\"Arguments\":{\"x\":1}}}")) {
      int before = upstream.hits.get();
      HttpResponse<String> r = post("/strict/mcp", body, adaToken("/strict/mcp"));
      assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(400);
      clean(r);
      assertThat(upstream.hits.get()).as(body).isEqualTo(before);
    }
  }

  // ================================================================== header tricks

  @Test
  void mcpHeadersSentTwiceOrBrokenAreRefused() throws Exception {
    String body = call(1, "lookup_order", new JsonObject()).encode();
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, "Mcp-Name: lookup_order", "Mcp-Name: lookup_order"), 400, -32020);
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, "Mcp-Method: tools/call", "Mcp-Method: tools/call"), 400, -32020);
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, "Mcp-Name: =?base64?!!!!?="), 400, -32020);
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, "Mcp-Name: =?base64?bG9va3VwX29yZGVy=?="), 400, -32020); // not canonical
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, "Mcp-Name: =?base64?" + b64("refund_order") + "?="), 400, -32020);
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, "Mcp-Name: =?base64?" + Base64.getEncoder().encodeToString(
        new byte[] {'l', 'o', (byte) 0xC0, (byte) 0xAF}) + "?="), 400, -32020);
    // An unknown version (2025-06-18x) is the MCP server's to refuse, with the versions it supports (conformance: server-stateless).
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, "MCP-Protocol-Version: 2026-07-28"), 400, -32020);
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, "MCP-Protocol-Version: 2025-11-25", "MCP-Protocol-Version: 2026-07-28"), 400, -32020);
    // whitespace around a matching value is HTTP's, not the name's
    assertThat(RawHttp.status(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, "Mcp-Name:    lookup_order   ", "Mcp-Method: tools/call")))
        .isEqualTo(200);
  }

  @Test
  void aFoldedMcpNameLineIsNeverAnotherName() throws Exception {
    String body = call(1, "lookup_order", new JsonObject()).encode();
    int before = upstream.hits.get();
    String r = raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, "Mcp-Name: lookup_order\r\n refund_order");
    assertThat(RawHttp.status(r)).isEqualTo(400);
    assertThat(upstream.hits.get()).isEqualTo(before);
  }

  @Test
  void mcpHeadersOnABatchMustFitEveryElement() throws Exception {
    JsonArray batch = new JsonArray().add(call(1, "lookup_order", new JsonObject())).add(call(2, "lookup_order", new JsonObject()));
    assertThat(RawHttp.status(raw("POST", "/strict/mcp", batch.encode(), auth(adaToken("/strict/mcp")), JSON, "Mcp-Method: tools/call", "Mcp-Name: lookup_order")))
        .isEqualTo(200);
    JsonArray mixed = new JsonArray().add(call(1, "lookup_order", new JsonObject()))
        .add(new JsonObject().put("jsonrpc", "2.0").put("id", 2).put("method", "tools/list"));
    refusedJsonRpc(raw("POST", "/strict/mcp", mixed.encode(), auth(adaToken("/strict/mcp")), JSON, "Mcp-Method: tools/call"), 400, -32020);
    refusedJsonRpc(raw("POST", "/strict/mcp", mixed.encode(), auth(adaToken("/strict/mcp")), JSON, "Mcp-Name: lookup_order"), 400, -32020);
  }

  /**
   * BUG (fixed here): a header spelled with '_' ({@code Mcp_Name}, {@code Mcp_Session_Id}) was neither
   * checked nor removed, and CGI/WSGI/PHP stacks read it as the '-' one: a spoofed Mcp-Name beside a
   * body judged as another tool, or a raw upstream session id beside Toolgate's sealed one.
   */
  @Test
  void mcpHeadersSpelledWithUnderscoresAreRefused() throws Exception {
    String body = call(1, "lookup_order", new JsonObject()).encode();
    for (String header : List.of("Mcp_Name: refund_order", "Mcp_Method: tools/list", "Mcp_Session_Id: up-session-1", "MCP_Protocol_Version: 2026-07-28")) {
      int before = upstream.hits.get();
      String r = raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, header);
      assertThat(RawHttp.status(r)).as(header + " -> " + r).isEqualTo(400);
      assertThat(upstream.hits.get()).as(header).isEqualTo(before);
    }
  }

  // ================================================================== methods, content types, framing

  @Test
  void onlyPostGetAndDeleteAreAccepted() throws Exception {
    for (String method : List.of("PUT", "PATCH", "OPTIONS", "TRACE", "PROPFIND")) {
      String r = raw(method, "/mcp", list(), auth(adaToken()));
      refusedRaw(r, 405);
      assertThat(r.toLowerCase()).contains("allow: post, get, delete");
    }
    int before = upstream.hits.get();
    String head = raw("HEAD", "/mcp", null, auth(adaToken()));
    assertThat(RawHttp.status(head)).isEqualTo(405);
    assertThat(upstream.hits.get()).isEqualTo(before);
  }

  /**
   * BUG (fixed here): GET and DELETE were judged by the route's own policy whatever their body said,
   * and the body went upstream: a tools/call of a denied or scoped tool rode on a GET or DELETE.
   */
  @Test
  void aGetOrDeleteWithABodyIsRefused() throws Exception {
    String refund = call(1, "refund_order", new JsonObject()).encode();
    refusedRaw(raw("GET", "/mcp", refund, auth(adaToken()), JSON, "Accept: text/event-stream"), 400);
    refusedRaw(raw("DELETE", "/mcp", refund, auth(adaToken()), JSON), 400);
    String denied = call(1, "anything", new JsonObject()).encode();
    refusedRaw(raw("DELETE", "/mrule/mcp", denied, auth(adaToken("/mrule/mcp")), JSON), 400);
  }

  @Test
  void aMessageIsJsonAsSentOrRefused() throws Exception {
    String body = call(1, "lookup_order", new JsonObject()).encode();
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), "Content-Type: text/plain"), 400, -32600);
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp"))), 400, -32600);
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, "Content-Encoding: gzip"), 400, -32600);
    refusedJsonRpc(raw("POST", "/strict/mcp", body, auth(adaToken("/strict/mcp")), JSON, JSON), 400, -32600);
    refusedJsonRpc(raw("POST", "/strict/mcp", "", auth(adaToken("/strict/mcp")), JSON), 400, -32600);
  }

  @Test
  void chunkedHttp10AndPipelinedRequestsAreJudgedAlike() throws Exception {
    String refund = call(1, "refund_order", new JsonObject()).encode();
    String lookup = call(1, "lookup_order", new JsonObject()).encode();
    int before = upstream.hits.get();
    String chunked = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n" + auth(adaToken())
        + "\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(10) + "\r\n" + refund.substring(0, 10) + "\r\n"
        + Integer.toHexString(refund.length() - 10) + "\r\n" + refund.substring(10) + "\r\n0\r\n\r\n";
    refusedRaw(RawHttp.send(h.gateway.port(), chunked, null), 403);
    String both = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + auth(adaToken())
        + "\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n";
    refusedRaw(RawHttp.send(h.gateway.port(), both, null), 400);
    String http10 = "POST /mcp HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + auth(adaToken())
        + "\r\nContent-Length: " + refund.length() + "\r\n\r\n" + refund;
    refusedRaw(RawHttp.send(h.gateway.port(), http10, null), 403);
    assertThat(upstream.hits.get()).isEqualTo(before);

    try (Socket s = new Socket("127.0.0.1", h.gateway.port())) {
      s.setSoTimeout(10_000);
      String first = request("POST", "/mcp", lookup, false, auth(adaToken()), JSON);
      String second = request("POST", "/mcp", refund, true, auth(adaToken()), JSON);
      OutputStream out = s.getOutputStream();
      out.write((first + second).getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      assertThat(RawHttp.status(readOne(in))).isEqualTo(200);
      String refusedSecond = readOne(in);
      assertThat(RawHttp.status(refusedSecond)).as(refusedSecond).isEqualTo(403);
    }
    assertThat(upstream.hits.get()).isEqualTo(before + 1);
  }

}
