package dev.toolgate.server.http;

import dev.toolgate.core.decision.DenialCode;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Writes RFC 9457 {@code application/problem+json} refusals. The detail never carries secret values. */
final class Problem {
  static final String TYPE_BASE = "https://toolgate.dev/problems/";

  private Problem() {}

  static void send(HttpServerResponse response, DenialCode code, String detail, String requestId, String tool, List<String> challenges) {
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
    response.setStatusCode(code.status())
        .putHeader("content-type", "application/problem+json")
        .putHeader("cache-control", "no-store")
        .putHeader(Forwarding.REQUEST_ID_HEADER, requestId);
    for (String challenge : challenges) {
      response.headers().add("www-authenticate", challenge);
    }
    response.end(body.toBuffer());
  }
}
