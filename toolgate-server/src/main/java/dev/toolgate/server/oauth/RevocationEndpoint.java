package dev.toolgate.server.oauth;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.toolgate.core.token.JwtResult;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.http.FormBodyReader;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import dev.toolgate.server.store.AuthorizationStore;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.Optional;

/**
 * {@code POST /oauth/revoke} (RFC 7009), for access tokens and refresh tokens; public clients
 * identify themselves with their {@code client_id}. A refresh token's whole family is revoked, with
 * the access tokens issued in it. Unknown, foreign, malformed and already expired tokens
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
  private final AuthorizationStore refreshTokens;
  private final Consumer<String> revokedHere;

  /** @param revokedHere makes a jti the store revoked with a refresh-token family refused here at once */
  public RevocationEndpoint(ClientAuthenticator clients, OwnTokens ownTokens, Revoker revoker, AuthorizationStore refreshTokens,
      Consumer<String> revokedHere) {
    this.clients = clients;
    this.ownTokens = ownTokens;
    this.revoker = revoker;
    this.refreshTokens = refreshTokens;
    this.revokedHere = revokedHere;
  }

  @Override
  public void mount(Router router) {
    router.post("/oauth/revoke").handler(new FormBodyReader(TokenEndpoint.MAX_FORM_BYTES)).handler(this::handle).failureHandler(OAuthResponses::failed);
  }

  private void handle(RoutingContext ctx) {
    TokenRequest.read(ctx, clients, true, request -> handle(ctx, request));
  }

  private void handle(RoutingContext ctx, TokenRequest request) {
    if (request.token().startsWith(AuthorizationStore.REFRESH_TOKEN_PREFIX)) {
      revokeRefreshToken(ctx, request);
      return;
    }
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
    }, false).onComplete(done -> answered(ctx, done));
  }

  /** Another client's or an unknown refresh token: 200 and nothing revoked (RFC 7009 §2.2). */
  private void revokeRefreshToken(RoutingContext ctx, TokenRequest request) {
    String clientId = request.client().client().id();
    ctx.vertx().executeBlocking(() -> {
      refreshTokens.revokeRefreshToken(request.token(), clientId)
          .ifPresent(revoked -> revoked.accessTokens().forEach(t -> revokedHere.accept(t.jti())));
      return null;
    }, false).onComplete(done -> answered(ctx, done));
  }

  private static void answered(RoutingContext ctx, io.vertx.core.AsyncResult<?> done) {
    if (done.failed()) {
      // The store is a dependency: its failure is 503, never a silent "revoked".
      ctx.response().putHeader("retry-after", "5");
      OAuthResponses.error(ctx.response(), new OAuthError(503, "temporarily_unavailable", "the credential store is unavailable; the token was not revoked", false));
    } else {
      ctx.response().setStatusCode(200).putHeader("cache-control", "no-store").end();
    }
  }
}
