package dev.toolgate.server.oauth;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.toolgate.core.token.JwtResult;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.http.FormBodyReader;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code POST /oauth/revoke} (RFC 7009). Unknown, foreign, malformed and already expired tokens
 * answer 200 (nothing to do); so does a live token of another client, which is left alone (a
 * distinct answer would let clients probe each other's tokens). A revocation is
 * written to the store and reaches the gateway's in-memory revocation set at once.
 */
public final class RevocationEndpoint implements Endpoint {
  /** Stores a revocation and makes it effective in memory; blocking (runs on a worker thread). */
  public interface Revoker {
    void revoke(String jti, String clientId, Instant expiresAt);
  }

  private final ClientAuthenticator clients;
  private final OwnTokens ownTokens;
  private final Revoker revoker;

  public RevocationEndpoint(ClientAuthenticator clients, OwnTokens ownTokens, Revoker revoker) {
    this.clients = clients;
    this.ownTokens = ownTokens;
    this.revoker = revoker;
  }

  @Override
  public void mount(Router router) {
    router.post("/oauth/revoke").handler(new FormBodyReader(TokenEndpoint.MAX_FORM_BYTES)).handler(this::handle).failureHandler(OAuthResponses::failed);
  }

  private void handle(RoutingContext ctx) {
    TokenRequest.read(ctx, clients, request -> handle(ctx, request));
  }

  private void handle(RoutingContext ctx, TokenRequest request) {
    if (!(ownTokens.verify(request.token()) instanceof JwtResult.Valid valid)) {
      ctx.response().setStatusCode(200).putHeader("cache-control", "no-store").end();
      return;
    }
    JWTClaimsSet claims = valid.claims();
    String clientId = request.client().client().id();
    if (!clientId.equals(claims.getClaim("client_id"))) {
      // Not this client's token: nothing is revoked, and the answer is the same as for garbage so a
      // client cannot probe other clients' tokens for validity.
      ctx.response().setStatusCode(200).putHeader("cache-control", "no-store").end();
      return;
    }
    Instant exp = claims.getExpirationTime().toInstant();
    ctx.vertx().executeBlocking(() -> {
      revoker.revoke(claims.getJWTID(), clientId, exp);
      return null;
    }, false).onComplete(done -> {
      if (done.failed()) {
        // The store is a dependency: its failure is 503, never a silent "revoked".
        ctx.response().putHeader("retry-after", "5");
        OAuthResponses.error(ctx.response(), new OAuthError(503, "temporarily_unavailable", "the credential store is unavailable; the token was not revoked", false));
      } else {
        ctx.response().setStatusCode(200).putHeader("cache-control", "no-store").end();
      }
    });
  }
}
