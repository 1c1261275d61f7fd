package dev.toolgate.server.store;

import dev.toolgate.core.secret.SecretDigest;
import dev.toolgate.core.secret.SecretGenerator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** SQL for {@code authorization_codes}: issued at consent, redeemed once at the token endpoint. */
final class AuthorizationCodes {
  /** Prefix of authorization code values, so a leaked one can be told apart from other secrets. */
  static final String PREFIX = "tgo_";

  private AuthorizationCodes() {}

  /** Stores a new code; returns its value (shown to the client once, in the redirect). */
  static String insert(Connection connection, AuthorizationStore.NewCode code, Instant now) throws SQLException {
    String value = SecretGenerator.secret(PREFIX);
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO authorization_codes (digest, client_id, user_id, redirect_uri,"
        + " code_challenge, resource, scope, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, SecretDigest.of(value));
      insert.setString(2, code.clientId());
      insert.setString(3, code.userId());
      insert.setString(4, code.redirectUri());
      insert.setString(5, code.codeChallenge());
      insert.setString(6, code.resource());
      insert.setString(7, String.join(" ", new java.util.TreeSet<>(code.scopes()))); // sorted: one scope string per set of scopes
      Columns.setInstant(insert, 8, now);
      Columns.setInstant(insert, 9, code.expiresAt());
      insert.executeUpdate();
    }
    return value;
  }

  static Optional<AuthorizationStore.Code> find(Connection connection, String digest) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT client_id, user_id, redirect_uri, code_challenge, resource, scope,"
        + " created_at, expires_at, used_at, family_id FROM authorization_codes WHERE digest = ?")) {
      query.setString(1, digest);
      try (ResultSet row = query.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        return Optional.of(new AuthorizationStore.Code(digest, row.getString("client_id"), row.getString("user_id"), row.getString("redirect_uri"),
            row.getString("code_challenge"), row.getString("resource"), scopes(row.getString("scope")), Columns.getInstant(row, "created_at"), Columns.getInstant(row, "expires_at"),
            Columns.getInstant(row, "used_at"), row.getString("family_id")));
      }
    }
  }

  /** Marks the code used by the exchange that started {@code familyId}; false if it was used already. */
  static boolean markUsed(Connection connection, String digest, Instant now, String familyId) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE authorization_codes SET used_at = ?, family_id = ? WHERE digest = ? AND used_at IS NULL")) {
      Columns.setInstant(update, 1, now);
      update.setString(2, familyId);
      update.setString(3, digest);
      return update.executeUpdate() > 0;
    }
  }

  /**
   * Takes the code's row lock (PostgreSQL) or the write lock (SQLite) before the code is read, so a
   * transaction that reads it and then writes is serialised with the exchange and other replays.
   */
  static void lock(Connection connection, String digest) throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement("UPDATE authorization_codes SET used_at = used_at WHERE digest = ?")) {
      lock.setString(1, digest);
      lock.executeUpdate();
    }
  }

  /** Marks a code used without tokens (its exchange failed a check): it cannot be tried again. */
  static void burn(Connection connection, String digest, Instant now) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement("UPDATE authorization_codes SET used_at = ? WHERE digest = ? AND used_at IS NULL")) {
      Columns.setInstant(update, 1, now);
      update.setString(2, digest);
      update.executeUpdate();
    }
  }

  /** Codes expired before {@code cutoff} (used or not) are of no use to anyone. */
  static int deleteExpired(Connection connection, Instant cutoff) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM authorization_codes WHERE expires_at < ?")) {
      Columns.setInstant(delete, 1, cutoff);
      return delete.executeUpdate();
    }
  }

  static Set<String> scopes(String spaceSeparated) {
    return spaceSeparated == null || spaceSeparated.isBlank() ? Set.of() : new java.util.LinkedHashSet<>(List.of(spaceSeparated.split(" ")));
  }
}
