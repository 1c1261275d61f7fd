package dev.toolgate.server.oauth;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.ExternalJwtPolicy;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.Route;
import dev.toolgate.core.config.UserTokenPolicy;
import dev.toolgate.core.credential.UserTokenVerifier;
import dev.toolgate.server.http.Prefetch;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Before an {@code external_jwt}, or a {@code user_token} of a trusted issuer, is verified: makes sure the issuer's JWKS is loaded and knows the token's kid. */
public final class ExternalKeyReadiness implements Prefetch {
  private static final int MAX_HEADER_CHARS = 4096;
  private final Map<String, ExternalJwks> issuers;

  public ExternalKeyReadiness(Map<String, ExternalJwks> issuers) {
    this.issuers = Map.copyOf(issuers);
  }

  @Override
  public CompletableFuture<Void> beforeVerification(ToolCall call, Route route) {
    CompletableFuture<Void> external = DONE;
    if (route.tool().policy().requires(CredentialKind.EXTERNAL_JWT)) {
      ExternalJwtPolicy policy = route.tool().policy().externalJwt();
      ExternalJwks jwks = issuers.get(policy.issuer());
      List<String> values = call.headers().all(policy.header());
      if (jwks != null && values.size() == 1) { // otherwise the verifier will say what is wrong
        external = jwks.ready(kidOf(values.get(0)));
      }
    }
    CompletableFuture<Void> user = DONE;
    UserTokenPolicy userToken = route.tool().policy().userToken();
    if (userToken != null && !userToken.issuedByToolgate()) {
      ExternalJwks jwks = issuers.get(userToken.issuer());
      Optional<String> token = UserTokenVerifier.tokenIn(call, userToken);
      if (jwks != null && token.isPresent()) {
        user = jwks.ready(kidOf(token.get()));
      }
    }
    return Prefetch.all(external, user);
  }

  /** The kid in the token's header, read without trusting anything else; null when there is none. */
  static String kidOf(String headerValue) {
    String value = headerValue.strip();
    int space = value.indexOf(' ');
    String token = space >= 0 ? value.substring(space + 1).strip() : value;
    int dot = token.indexOf('.');
    if (dot <= 0 || dot > MAX_HEADER_CHARS) {
      return null;
    }
    try {
      String json = new String(Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8);
      Object kid = JSONObjectUtils.parse(json).get("kid");
      return kid instanceof String s && s.length() <= 256 ? s : null;
    } catch (IllegalArgumentException | java.text.ParseException e) {
      return null;
    }
  }
}
