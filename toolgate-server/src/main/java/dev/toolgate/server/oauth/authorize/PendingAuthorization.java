package dev.toolgate.server.oauth.authorize;

import dev.toolgate.server.store.SealedState;
import dev.toolgate.core.secret.SecretGenerator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An authorization request on its way through the pages, sealed into the hidden {@code request}
 * field ({@link SealedState}). The pages never trust a hidden field otherwise: what the browser sends
 * back is only the text this server sealed.
 *
 * @param csrf the browser's CSRF nonce: the form's {@code csrf} field and the cookie must both equal it
 * @param userId null on the login page; on the consent page the user who signed in (the consent
 *     POST also needs that user's session cookie)
 * @param expiresAt after this the pages refuse it: the user starts again at the application
 */
record PendingAuthorization(AuthorizationRequest request, String csrf, String userId, Instant expiresAt) {
  static final String PURPOSE = "authorization_request";

  String seal(SealedState sealer) {
    JsonObject json = new JsonObject()
        .put("v", 1)
        .put("client_id", request.clientId())
        .put("redirect_uri", request.redirectUri())
        .put("state", request.state())
        .put("code_challenge", request.codeChallenge())
        .put("resource", request.resource())
        .put("scopes", new JsonArray(new ArrayList<>(request.scopes())))
        .put("csrf", csrf)
        .put("user_id", userId)
        .put("exp", expiresAt.toEpochMilli())
        // Two seals of one request never look alike, and a future field can tell versions apart.
        .put("nonce", SecretGenerator.id("n"));
    return sealer.seal(PURPOSE, json);
  }

  /** The pending request sealed in {@code text}, if it opens and has every field; expiry is the caller's to check. */
  static Optional<PendingAuthorization> open(SealedState sealer, String text) {
    return sealer.open(PURPOSE, text).flatMap(PendingAuthorization::fromJson);
  }

  boolean expired(Instant now) {
    return !now.isBefore(expiresAt);
  }

  private static Optional<PendingAuthorization> fromJson(JsonObject json) {
    try {
      if (!Integer.valueOf(1).equals(json.getInteger("v"))) {
        return Optional.empty();
      }
      JsonArray scopeArray = json.getJsonArray("scopes");
      List<String> scopes = new ArrayList<>();
      for (int i = 0; i < scopeArray.size(); i++) {
        scopes.add(scopeArray.getString(i));
      }
      AuthorizationRequest request = new AuthorizationRequest(required(json, "client_id"), required(json, "redirect_uri"),
          json.getString("state"), required(json, "code_challenge"), required(json, "resource"), scopes);
      Long exp = json.getLong("exp");
      if (exp == null || scopes.contains(null)) {
        return Optional.empty();
      }
      return Optional.of(new PendingAuthorization(request, required(json, "csrf"), json.getString("user_id"), Instant.ofEpochMilli(exp)));
    } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
      return Optional.empty(); // sealed by us, so never expected: but an odd seal is refused, not a 500
    }
  }

  private static String required(JsonObject json, String name) {
    String value = json.getString(name);
    if (value == null) {
      throw new IllegalArgumentException(name);
    }
    return value;
  }
}
