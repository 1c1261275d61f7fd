package dev.toolgate.server.oauth;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.toolgate.core.token.JwtResult;
import dev.toolgate.server.http.Endpoint;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * {@code POST /oauth/introspect} (RFC 7662). The caller authenticates as a client; any token that is
 * not a live Toolgate token (expired, revoked, foreign, garbage) is simply {@code {"active": false}}.
 */
public final class IntrospectionEndpoint implements Endpoint {
  private final ClientAuthenticator clients;
  private final OwnTokens ownTokens;
  private final Predicate<String> isRevoked;

  public IntrospectionEndpoint(ClientAuthenticator clients, OwnTokens ownTokens, Predicate<String> isRevoked) {
    this.clients = clients;
    this.ownTokens = ownTokens;
    this.isRevoked = isRevoked;
  }

  @Override
  public void mount(Router router) {
    router.post("/oauth/introspect").handler(BodyHandler.create(false).setBodyLimit(TokenEndpoint.MAX_FORM_BYTES)).handler(this::handle);
  }

  private void handle(RoutingContext ctx) {
    RequestId.of(ctx);
    FormRequest.Result parsed = FormRequest.read(ctx);
    if (parsed.error() != null) {
      OAuthResponses.error(ctx.response(), parsed.error());
      return;
    }
    ClientAuthenticator.Outcome auth = clients.authenticate(ctx.request(), parsed.form());
    if (auth.error() != null) {
      OAuthResponses.error(ctx.response(), auth.error());
      return;
    }
    Optional<String> token = parsed.form().get("token");
    if (token.isEmpty()) {
      OAuthResponses.error(ctx.response(), OAuthError.invalidRequest("token is missing"));
      return;
    }
    // Signature checks cost tens of microseconds (RSA verify): fine on the event loop.
    JwtResult result = ownTokens.verify(token.get());
    if (!(result instanceof JwtResult.Valid valid) || isRevoked.test(valid.claims().getJWTID())) {
      OAuthResponses.json(ctx.response(), 200, new JsonObject().put("active", false));
      return;
    }
    OAuthResponses.json(ctx.response(), 200, describe(valid.claims()));
  }

  static JsonObject describe(JWTClaimsSet claims) {
    JsonObject body = new JsonObject().put("active", true).put("token_type", "Bearer");
    putIfPresent(body, "scope", claims.getClaim("scope"));
    putIfPresent(body, "client_id", claims.getClaim("client_id"));
    putIfPresent(body, "sub", claims.getSubject());
    putIfPresent(body, "iss", claims.getIssuer());
    putIfPresent(body, "jti", claims.getJWTID());
    putIfPresent(body, "token_use", claims.getClaim("token_use"));
    if (claims.getAudience() != null && !claims.getAudience().isEmpty()) {
      body.put("aud", claims.getAudience().size() == 1 ? claims.getAudience().get(0) : new JsonArray(claims.getAudience()));
    }
    if (claims.getExpirationTime() != null) {
      body.put("exp", claims.getExpirationTime().toInstant().getEpochSecond());
    }
    if (claims.getIssueTime() != null) {
      body.put("iat", claims.getIssueTime().toInstant().getEpochSecond());
    }
    return body;
  }

  private static void putIfPresent(JsonObject body, String name, Object value) {
    if (value instanceof String s) {
      body.put(name, s);
    }
  }
}
