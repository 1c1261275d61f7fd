package dev.toolgate.server.oauth;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** JSON answers of the OAuth endpoints: never cached (RFC 6749 §5.1), errors in RFC 6749 §5.2 form. */
public final class OAuthResponses {
  private static final Logger LOG = LoggerFactory.getLogger(OAuthResponses.class);

  private OAuthResponses() {}

  /**
   * Failure handler of the OAuth routes: a body over the limit is 413, other unreadable requests 400,
   * both {@code invalid_request}; anything thrown is a 500 {@code server_error}, logged once with the
   * request id.
   */
  static void failed(RoutingContext ctx) {
    failed(ctx, TokenEndpoint.MAX_FORM_BYTES);
  }

  /** As {@link #failed(RoutingContext)}, for an endpoint whose body limit is {@code maxBodyBytes}. */
  public static void failed(RoutingContext ctx, int maxBodyBytes) {
    if (ctx.response().headWritten()) {
      ctx.request().connection().close();
      return;
    }
    String requestId = RequestId.of(ctx);
    int status = ctx.statusCode();
    if (status == 413) {
      error(ctx.response(), new OAuthError(413, "invalid_request", "the request body is larger than " + maxBodyBytes + " bytes", false));
    } else if (status >= 400 && status < 500) {
      error(ctx.response(), OAuthError.invalidRequest("the request could not be read"));
    } else {
      LOG.error("OAuth endpoint {} failed (request {})", ctx.request().path(), requestId, ctx.failure());
      error(ctx.response(), new OAuthError(500, "server_error", "internal error; see the server log", false));
    }
  }

  public static void json(HttpServerResponse response, int status, JsonObject body) {
    response.setStatusCode(status)
        .putHeader("content-type", "application/json")
        .putHeader("cache-control", "no-store")
        .putHeader("pragma", "no-cache")
        .end(body.toBuffer());
  }

  /** The error; a 401 gets a challenge unless the caller put its own {@code WWW-Authenticate} already. */
  public static void error(HttpServerResponse response, OAuthError error) {
    if (error.status() == 401 && !response.headers().contains("www-authenticate")) {
      response.putHeader("www-authenticate", error.basicChallenge()
          ? "Basic realm=\"toolgate\", charset=\"UTF-8\""
          : "Bearer realm=\"toolgate\", error=\"invalid_client\"");
    }
    if (error.status() == 503 && !response.headers().contains("retry-after")) {
      response.putHeader("retry-after", "1"); // a dependency (Redis) is down for now: ask again shortly, not in a loop
    }
    JsonObject body = new JsonObject().put("error", error.error());
    if (error.description() != null) {
      body.put("error_description", error.description());
    }
    json(response, error.status(), body);
  }
}
