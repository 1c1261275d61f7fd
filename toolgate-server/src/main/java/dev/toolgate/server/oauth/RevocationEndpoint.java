package dev.toolgate.server.oauth;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.toolgate.core.port.AuditSink;
import dev.toolgate.core.token.JwtResult;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.http.FormBodyReader;
import dev.toolgate.server.store.AuthorizationStore;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

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
  private final AuditSink audit;

  /** @param revokedHere makes a jti the store revoked with a refresh-token family refused here at once */
  public RevocationEndpoint(ClientAuthenticator clients, OwnTokens ownTokens, Revoker revoker, AuthorizationStore refreshTokens,
      Consumer<String> revokedHere, AuditSink audit) {
    this.audit = audit;
    this.clients = clients;
    this.ownTokens = ownTokens;
    this.revoker = revoker;
    this.refreshTokens = refreshTokens;
    this.revokedHere = revokedHere;
  }

  @Override
  public void mount(Router router) {
    router.post("/oauth/revoke").handler(new FormBodyReader(TokenEndpoint.MAX_FORM_BYTES)).handler(this::handle)
        .failureHandler(OAuthResponses.failedAudited(TokenEndpoint.MAX_FORM_BYTES, audit, null));
  }

  private void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    // Refusals (a failed client authentication, no token) are audited answers too.
    TokenRequest.read(ctx, clients, true,
        (clientId, error) -> OAuthResponses.refused(ctx, audit, clientId, error, (System.nanoTime() - start) / 1000, null),
        request -> handle(ctx, request, start));
  }

  private void handle(RoutingContext ctx, TokenRequest request, long start) {
    String clientId = request.client().client().id();
    if (request.token().startsWith(AuthorizationStore.REFRESH_TOKEN_PREFIX)) {
      revokeRefreshToken(ctx, request, start);
      return;
    }
    if (!(ownTokens.verify(request.token()) instanceof JwtResult.Valid valid) || !clientId.equals(valid.claims().getClaim("client_id"))) {
      // Garbage, or not this client's token: nothing is revoked, and the answer is the same for both
      // so a client cannot probe other clients' tokens for validity.
      answered(ctx, start, clientId, Future.succeededFuture("nothing revoked: not a live access token of this client"));
      return;
    }
    JWTClaimsSet claims = valid.claims();
    Instant exp = claims.getExpirationTime().toInstant();
    ctx.vertx().executeBlocking(() -> {
      revoker.revoke(claims.getJWTID(), clientId, exp);
      return "revoked access token " + claims.getJWTID();
    }, false).onComplete(done -> answered(ctx, start, clientId, done));
  }

  /** Another client's or an unknown refresh token: 200 and nothing revoked (RFC 7009 §2.2). */
  private void revokeRefreshToken(RoutingContext ctx, TokenRequest request, long start) {
    String clientId = request.client().client().id();
    ctx.vertx().executeBlocking(() -> {
      Optional<AuthorizationStore.Revoked> revoked = refreshTokens.revokeRefreshToken(request.token(), clientId);
      revoked.ifPresent(r -> r.accessTokens().forEach(t -> revokedHere.accept(t.jti())));
      return revoked.map(r -> "revoked refresh-token family " + r.familyId() + " with " + r.accessTokens().size() + " live access token(s)")
          .orElse("nothing revoked: not a refresh token of this client");
    }, false).onComplete(done -> answered(ctx, start, clientId, done));
  }

  private void answered(RoutingContext ctx, long start, String clientId, AsyncResult<String> done) {
    int status = done.failed() ? 503 : 200;
    OAuthResponses.afterRecord(ctx, audit, OAuthResponses.event(ctx, clientId, done.failed() ? "deny" : "allow",
        done.failed() ? "store_unavailable" : "revoked", status, (System.nanoTime() - start) / 1000,
        done.failed() ? "revocation not stored: the store failed" : done.result(), null), () -> {
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
