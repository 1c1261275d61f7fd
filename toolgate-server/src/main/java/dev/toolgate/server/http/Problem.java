package dev.toolgate.server.http;

import dev.toolgate.core.decision.DenialCode;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Writes RFC 9457 {@code application/problem+json} refusals. The detail never carries secret values. */
final class Problem {
  static final String TYPE_BASE = "https://toolgate.dev/problems/";
  /**
   * Decision API refusals carry the problem in this header too: nginx's {@code auth_request} drops
   * the body of the answer, but can hand a header to the client ({@code auth_request_set}).
   */
  static final String HEADER = "x-toolgate-problem";
  /** Longer details are cut in the header copy: a proxy's buffer for response headers is a few KiB. */
  static final int HEADER_DETAIL_CHARS = 512;

  private Problem() {}

  static void send(HttpServerResponse response, DenialCode code, String detail, String requestId, String tool, List<String> challenges) {
    send(response, code, detail, requestId, tool, challenges, false);
  }

  /** @param inHeader also send the problem, as ASCII JSON, in {@link #HEADER} */
  static void send(HttpServerResponse response, DenialCode code, String detail, String requestId, String tool, List<String> challenges,
      boolean inHeader) {
    JsonObject body = body(code, detail, requestId, tool);
    response.setStatusCode(code.status())
        .putHeader("content-type", "application/problem+json")
        .putHeader("cache-control", "no-store")
        .putHeader(Forwarding.REQUEST_ID_HEADER, requestId);
    for (String challenge : challenges) {
      response.headers().add("www-authenticate", challenge);
    }
    if (code.status() == 503 && !response.headers().contains("retry-after")) {
      response.putHeader("retry-after", "1"); // a dependency is down for now: ask again shortly, not at once in a loop
    }
    if (inHeader) {
      String shortDetail = detail != null && detail.length() > HEADER_DETAIL_CHARS ? detail.substring(0, HEADER_DETAIL_CHARS) + "..." : detail;
      response.putHeader(HEADER, ascii(body(code, shortDetail, requestId, tool).encode()));
    }
    response.end(body.toBuffer());
  }

  /** A JSON-RPC 2.0 error (for the message {@code id}; null when it could not be read) carrying the problem as its {@code data}. */
  static void sendJsonRpc(HttpServerResponse response, DenialCode code, int jsonRpcCode, Object id, String detail, String requestId, String tool) {
    JsonObject error = new JsonObject().put("code", jsonRpcCode).put("message", detail).put("data", body(code, detail, requestId, tool));
    response.setStatusCode(code.status())
        .putHeader("content-type", "application/json")
        .putHeader("cache-control", "no-store")
        .putHeader(Forwarding.REQUEST_ID_HEADER, requestId)
        .end(new JsonObject().put("jsonrpc", "2.0").put("id", id).put("error", error).toBuffer());
  }

  private static JsonObject body(DenialCode code, String detail, String requestId, String tool) {
    JsonObject body = new JsonObject()
        .put("type", TYPE_BASE + code.code())
        .put("title", code.title())
        .put("status", code.status())
        .put("code", code.code())
        .put("detail", detail)
        .put("request_id", requestId);
    if (tool != null) {
      body.put("tool", tool);
    }
    return body;
  }

  /** JSON with every character outside printable ASCII escaped (the encoder already escapes controls): safe as a header value. */
  static String ascii(String json) {
    StringBuilder out = new StringBuilder(json.length());
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
