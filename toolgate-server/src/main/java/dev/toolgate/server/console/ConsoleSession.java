package dev.toolgate.server.console;

import dev.toolgate.server.store.SealedState;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * A browser signed in to the web console: which admin token it signed in with (by id: the token
 * itself is never in the cookie), since when, until when, and the CSRF token its pages send back.
 * Sealed into the session cookie under the master key ({@link SealedState}), so any instance
 * recognises it without a session table and nobody can read the CSRF token out of the cookie.
 */
record ConsoleSession(String adminTokenId, Instant issuedAt, Instant expiresAt, String csrfToken) {
  static final String PURPOSE = "console_session";
  private static final SecureRandom RANDOM = new SecureRandom();

  ConsoleSession {
    Objects.requireNonNull(adminTokenId, "adminTokenId");
    Objects.requireNonNull(csrfToken, "csrfToken");
  }

  /** A new session with a fresh CSRF token of 256 random bits. */
  static ConsoleSession begin(String adminTokenId, Instant now, java.time.Duration lifetime) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return new ConsoleSession(adminTokenId, now, now.plus(lifetime), Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  String seal(SealedState sealer) {
    return sealer.seal(PURPOSE, new JsonObject()
        .put("v", 1)
        .put("adm", adminTokenId)
        .put("iat", issuedAt.toEpochMilli())
        .put("exp", expiresAt.toEpochMilli())
        .put("csrf", csrfToken));
  }

  /** The session sealed in {@code text}, if it opens and has not expired at {@code now}. */
  static Optional<ConsoleSession> open(SealedState sealer, String text, Instant now) {
    return sealer.open(PURPOSE, text).flatMap(json -> {
      try {
        String token = json.getString("adm");
        Long iat = json.getLong("iat");
        Long exp = json.getLong("exp");
        String csrf = json.getString("csrf");
        if (!Integer.valueOf(1).equals(json.getInteger("v")) || token == null || iat == null || exp == null || csrf == null) {
          return Optional.empty();
        }
        ConsoleSession session = new ConsoleSession(token, Instant.ofEpochMilli(iat), Instant.ofEpochMilli(exp), csrf);
        return now.isBefore(session.expiresAt()) ? Optional.of(session) : Optional.empty();
      } catch (ClassCastException e) {
        return Optional.empty();
      }
    });
  }
}
