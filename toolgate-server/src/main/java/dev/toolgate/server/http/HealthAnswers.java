package dev.toolgate.server.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** {@code /healthz} and {@code /readyz}: the same answers on the main port and on the management port. */
final class HealthAnswers {
  static final String HEALTHZ = "/healthz";
  static final String READYZ = "/readyz";

  private HealthAnswers() {}

  static boolean isHealthPath(String path) {
    return path.equals(HEALTHZ) || path.equals(READYZ);
  }

  /** Answers {@code /healthz} or {@code /readyz}, whichever {@code path} is. */
  static void answer(String path, HttpServerResponse response, Readiness readiness) {
    if (path.equals(HEALTHZ)) {
      response.putHeader("content-type", "application/json").end("{\"status\":\"ok\"}");
      return;
    }
    JsonObject body = readiness.toJson(); // one reading: status code and body agree
    response.setStatusCode("ready".equals(body.getString("status")) ? 200 : 503)
        .putHeader("content-type", "application/json")
        .end(body.toBuffer());
  }
}
