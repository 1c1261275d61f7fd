package dev.toolgate.server.oauth;

import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * How introspection and revocation requests start: a form body, an authenticated client, and a
 * {@code token} parameter. Anything wrong is answered here, in RFC 6749 §5.2 form.
 */
record TokenRequest(ClientAuthenticator.Authenticated client, String token) {

  /**
   * Hands {@code next} the request, unless an error has already been answered (a client assertion's
   * jti is claimed in the shared state first, so this may complete later, on the request's context).
   */
  static void read(RoutingContext ctx, ClientAuthenticator clients, java.util.function.Consumer<TokenRequest> next) {
    read(ctx, clients, false, next);
  }

  /** As above; with {@code allowPublic}, a public client's bare {@code client_id} is accepted (RFC 7009 §2.1). */
  static void read(RoutingContext ctx, ClientAuthenticator clients, boolean allowPublic, java.util.function.Consumer<TokenRequest> next) {
    RequestId.of(ctx);
    FormRequest.Result parsed = FormRequest.read(ctx);
    if (parsed.error() != null) {
      OAuthResponses.error(ctx.response(), parsed.error());
      return;
    }
    clients.authenticate(ctx.request(), parsed.form(), ctx.vertx().getOrCreateContext(), allowPublic)
        .onSuccess(auth -> read(ctx, parsed.form(), auth).ifPresent(next))
        .onFailure(ctx::fail);
  }

  private static Optional<TokenRequest> read(RoutingContext ctx, FormRequest form, ClientAuthenticator.Outcome auth) {
    if (auth.error() != null) {
      OAuthResponses.error(ctx.response(), auth.error());
      return Optional.empty();
    }
    Optional<String> token = form.get("token");
    if (token.isEmpty()) {
      OAuthResponses.error(ctx.response(), OAuthError.invalidRequest("token is missing"));
      return Optional.empty();
    }
    return Optional.of(new TokenRequest(auth.client(), token.get()));
  }
}
