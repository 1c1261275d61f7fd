package dev.toolgate.server.oauth;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.toolgate.core.token.JwtResult;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.http.FormBodyReader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * {@code POST /oauth/introspect} (RFC 7662). The caller authenticates as a client and learns about
 * its own access tokens only; any other token (another client's, a customer JWT, expired, revoked,
 * foreign, garbage) is simply {@code {"active": false}}.
 */
public final class IntrospectionEndpoint implements Endpoint {
  private final ClientAuthenticator clients;
  private final OwnTokens ownTokens;
  private final Predicate<String> isRevoked;
  private final Predicate<String> isEnabled;

  public IntrospectionEndpoint(ClientAuthenticator clients, OwnTokens ownTokens, Predicate<String> isRevoked, Predicate<String> isEnabled) {
    this.isEnabled = isEnabled;
    this.clients = clients;
    this.ownTokens = ownTokens;
    this.isRevoked = isRevoked;
  }

  @Override
  public void mount(Router router) {
    router.post("/oauth/introspect").handler(new FormBodyReader(TokenEndpoint.MAX_FORM_BYTES)).handler(this::handle).failureHandler(OAuthResponses::failed);
  }

  private void handle(RoutingContext ctx) {
    TokenRequest.read(ctx, clients, request -> handle(ctx, request));
  }

  private void handle(RoutingContext ctx, TokenRequest request) {
    // A signature check the first time (tens of microseconds, fine on the event loop), a lookup after
    // that; revocation, the caller and the client's state are checked on every call below.
    JwtResult result = ownTokens.verify(request.token());
    String caller = request.client().client().id();
    // RFC 7662 §4: a client learns about its own tokens only; anyone else's token is just inactive.
    if (!(result instanceof JwtResult.Valid valid) || isRevoked.test(valid.claims().getJWTID())
        || !caller.equals(valid.claims().getClaim("client_id")) || !isEnabled.test(caller)) {
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
