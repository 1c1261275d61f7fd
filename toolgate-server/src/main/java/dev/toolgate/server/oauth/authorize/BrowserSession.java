package dev.toolgate.server.oauth.authorize;

import dev.toolgate.server.store.SealedState;
import dev.toolgate.server.users.User;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * A signed-in browser: who, since when, until when. Sealed into the session cookie
 * ({@link SealedState}), so any instance recognises it without a session table. A session is only
 * as good as its user: {@link #stillValidFor} refuses it once the user is disabled or their password
 * was set after it began.
 */
record BrowserSession(String userId, Instant issuedAt, Instant expiresAt) {
  static final String PURPOSE = "authorization_session";

  String seal(SealedState sealer) {
    return sealer.seal(PURPOSE, new JsonObject()
        .put("v", 1)
        .put("user_id", userId)
        .put("iat", issuedAt.toEpochMilli())
        .put("exp", expiresAt.toEpochMilli()));
  }

  /** The session sealed in {@code text} if it opens and has not expired at {@code now}. */
  static Optional<BrowserSession> open(SealedState sealer, String text, Instant now) {
    return sealer.open(PURPOSE, text).flatMap(json -> {
      try {
        String user = json.getString("user_id");
        Long iat = json.getLong("iat");
        Long exp = json.getLong("exp");
        if (!Integer.valueOf(1).equals(json.getInteger("v")) || user == null || iat == null || exp == null) {
          return Optional.empty();
        }
        BrowserSession session = new BrowserSession(user, Instant.ofEpochMilli(iat), Instant.ofEpochMilli(exp));
        return now.isBefore(session.expiresAt()) ? Optional.of(session) : Optional.empty();
      } catch (ClassCastException e) {
        return Optional.empty();
      }
    });
  }

  /** Whether {@code user} (looked up by {@link #userId}) may still act through this session. */
  boolean stillValidFor(User user) {
    return user != null && user.id().equals(userId) && !user.disabled() && user.hasPassword()
        && (user.passwordChangedAt() == null || !issuedAt.isBefore(truncated(user.passwordChangedAt())));
  }

  /** The store keeps milliseconds; a session begun in the same millisecond as a password change is still valid. */
  private static Instant truncated(Instant instant) {
    return Instant.ofEpochMilli(instant.toEpochMilli());
  }
}
