package dev.toolgate.server.oauth;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.toolgate.core.token.JwtResult;
import dev.toolgate.server.http.Endpoint;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code POST /oauth/revoke} (RFC 7009). Unknown, foreign, malformed and already expired tokens
 * answer 200 (nothing to do). A live token issued to another client is refused. A revocation is
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
    router.post("/oauth/revoke").handler(BodyHandler.create(false).setBodyLimit(TokenEndpoint.MAX_FORM_BYTES)).handler(this::handle);
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
    if (!(ownTokens.verify(token.get()) instanceof JwtResult.Valid valid)) {
      ctx.response().setStatusCode(200).putHeader("cache-control", "no-store").end();
      return;
    }
    JWTClaimsSet claims = valid.claims();
    String clientId = auth.client().client().id();
    if (!clientId.equals(claims.getClaim("client_id"))) {
      OAuthResponses.error(ctx.response(), OAuthError.unauthorizedClient("the token was not issued to this client"));
      return;
    }
    Instant exp = claims.getExpirationTime().toInstant();
    ctx.vertx().executeBlocking(() -> {
      revoker.revoke(claims.getJWTID(), clientId, exp);
      return null;
    }, false).onComplete(done -> {
      if (done.failed()) {
        // The store is a dependency: its failure is 503, never a silent "revoked".
        OAuthResponses.error(ctx.response(), new OAuthError(503, "temporarily_unavailable", "the credential store is unavailable; the token was not revoked", false));
      } else {
        ctx.response().setStatusCode(200).putHeader("cache-control", "no-store").end();
      }
    });
  }
}
