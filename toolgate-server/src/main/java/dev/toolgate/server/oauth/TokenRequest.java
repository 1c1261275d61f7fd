package dev.toolgate.server.oauth;

import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * How introspection and revocation requests start: a form body, an authenticated client, and a
 * {@code token} parameter. Anything wrong is answered here, in RFC 6749 §5.2 form.
 */
record TokenRequest(ClientAuthenticator.Authenticated client, String token) {

  /** The request, or empty when an error has already been answered. */
  static Optional<TokenRequest> read(RoutingContext ctx, ClientAuthenticator clients) {
    RequestId.of(ctx);
    FormRequest.Result parsed = FormRequest.read(ctx);
    if (parsed.error() != null) {
      OAuthResponses.error(ctx.response(), parsed.error());
      return Optional.empty();
    }
    ClientAuthenticator.Outcome auth = clients.authenticate(ctx.request(), parsed.form());
    if (auth.error() != null) {
      OAuthResponses.error(ctx.response(), auth.error());
      return Optional.empty();
    }
    Optional<String> token = parsed.form().get("token");
    if (token.isEmpty()) {
      OAuthResponses.error(ctx.response(), OAuthError.invalidRequest("token is missing"));
      return Optional.empty();
    }
    return Optional.of(new TokenRequest(auth.client(), token.get()));
  }
}
