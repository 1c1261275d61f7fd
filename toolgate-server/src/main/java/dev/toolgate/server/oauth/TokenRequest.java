package dev.toolgate.server.oauth;

import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.BiConsumer;

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
    read(ctx, clients, allowPublic, (clientId, error) -> OAuthResponses.error(ctx.response(), error), next);
  }

  /**
   * As above; each refusal goes to {@code refuse} with the authenticated client's id (null before
   * authentication), for an endpoint whose answers are audited to record it before answering it.
   */
  static void read(RoutingContext ctx, ClientAuthenticator clients, boolean allowPublic, BiConsumer<String, OAuthError> refuse,
      java.util.function.Consumer<TokenRequest> next) {
    RequestId.of(ctx);
    FormRequest.Result parsed = FormRequest.read(ctx);
    if (parsed.error() != null) {
      refuse.accept(null, parsed.error());
      return;
    }
    clients.authenticate(ctx.request(), parsed.form(), ctx.vertx().getOrCreateContext(), allowPublic)
        .onSuccess(auth -> read(parsed.form(), auth, refuse).ifPresent(next))
        .onFailure(ctx::fail);
  }

  private static Optional<TokenRequest> read(FormRequest form, ClientAuthenticator.Outcome auth, BiConsumer<String, OAuthError> refuse) {
    if (auth.error() != null) {
      refuse.accept(null, auth.error());
      return Optional.empty();
    }
    Optional<String> token = form.get("token");
    if (token.isEmpty()) {
      refuse.accept(auth.client().client().id(), OAuthError.invalidRequest("token is missing"));
      return Optional.empty();
    }
    return Optional.of(new TokenRequest(auth.client(), token.get()));
  }
}
