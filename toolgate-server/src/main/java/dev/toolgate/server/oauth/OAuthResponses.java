package dev.toolgate.server.oauth;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** JSON answers of the OAuth endpoints: never cached (RFC 6749 §5.1), errors in RFC 6749 §5.2 form. */
final class OAuthResponses {
  private OAuthResponses() {}

  static void json(HttpServerResponse response, int status, JsonObject body) {
    response.setStatusCode(status)
        .putHeader("content-type", "application/json")
        .putHeader("cache-control", "no-store")
        .putHeader("pragma", "no-cache")
        .end(body.toBuffer());
  }

  static void error(HttpServerResponse response, OAuthError error) {
    if (error.status() == 401) {
      response.putHeader("www-authenticate", error.basicChallenge()
          ? "Basic realm=\"toolgate\", charset=\"UTF-8\""
          : "Bearer realm=\"toolgate\", error=\"invalid_client\"");
    }
    JsonObject body = new JsonObject().put("error", error.error());
    if (error.description() != null) {
      body.put("error_description", error.description());
    }
    json(response, error.status(), body);
  }
}
