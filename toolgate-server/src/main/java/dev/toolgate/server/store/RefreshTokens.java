package dev.toolgate.server.store;

import dev.toolgate.core.secret.SecretDigest;
import dev.toolgate.core.secret.SecretGenerator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for {@code refresh_families} and {@code refresh_tokens}. */
final class RefreshTokens {
  /** Prefix of refresh token values. */
  static final String PREFIX = "tgr_";

  private RefreshTokens() {}

  static void insertFamily(Connection connection, String id, AuthorizationStore.Code code, Instant now, Instant expiresAt) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO refresh_families (id, client_id, user_id, resource, scope,"
        + " created_at, expires_at, generation, generation_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, NULL)")) {
      insert.setString(1, id);
      insert.setString(2, code.clientId());
      insert.setString(3, code.userId());
      insert.setString(4, code.resource());
      insert.setString(5, String.join(" ", code.scopes()));
      Columns.setInstant(insert, 6, now);
      Columns.setInstant(insert, 7, expiresAt);
      insert.executeUpdate();
    }
  }

  /** A new refresh token of {@code generation} in the family, with the access token issued beside it; returns its value. */
  static String insertToken(Connection connection, String familyId, int generation, String scope, AuthorizationStore.AccessToken access, Instant now)
      throws SQLException {
    String value = SecretGenerator.secret(PREFIX);
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO refresh_tokens (digest, family_id, generation, scope, created_at,"
        + " access_jti, access_expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, SecretDigest.of(value));
      insert.setString(2, familyId);
      insert.setInt(3, generation);
      insert.setString(4, scope);
      Columns.setInstant(insert, 5, now);
      insert.setString(6, access.jti());
      Columns.setInstant(insert, 7, access.expiresAt());
      insert.executeUpdate();
    }
    return value;
  }

  /** Takes the family's row lock (PostgreSQL) or the write lock (SQLite) first, so that rotations of one family are serial. */
  static boolean lockFamily(Connection connection, String familyId) throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement("UPDATE refresh_families SET generation = generation WHERE id = ?")) {
      lock.setString(1, familyId);
      return lock.executeUpdate() > 0;
    }
  }

  static Optional<AuthorizationStore.Refresh> find(Connection connection, String digest) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT t.family_id, t.generation, t.scope, t.used_at, f.client_id, f.user_id,"
        + " f.resource, f.scope AS family_scope, f.created_at AS family_created_at, f.expires_at, f.generation AS family_generation, f.generation_used_at, f.revoked_at"
        + " FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id WHERE t.digest = ?")) {
      query.setString(1, digest);
      try (ResultSet row = query.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        return Optional.of(new AuthorizationStore.Refresh(digest, row.getString("family_id"), row.getInt("generation"),
            AuthorizationCodes.scopes(row.getString("scope")), Columns.getInstant(row, "used_at"), row.getString("client_id"),
            row.getString("user_id"), row.getString("resource"), AuthorizationCodes.scopes(row.getString("family_scope")),
            Columns.getInstant(row, "family_created_at"), Columns.getInstant(row, "expires_at"), row.getInt("family_generation"),
            Columns.getInstant(row, "generation_used_at"), Columns.getInstant(row, "revoked_at")));
      }
    }
  }

  /** Records a use of {@code token}: the first use of a newer generation moves the family to it. */
  static void markUsed(Connection connection, AuthorizationStore.Refresh token, Instant now) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement("UPDATE refresh_tokens SET used_at = ? WHERE digest = ? AND used_at IS NULL")) {
      Columns.setInstant(update, 1, now);
      update.setString(2, token.digest());
      update.executeUpdate();
    }
    if (token.generation() > token.familyGeneration()) {
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE refresh_families SET generation = ?, generation_used_at = ? WHERE id = ?")) {
        update.setInt(1, token.generation());
        Columns.setInstant(update, 2, now);
        update.setString(3, token.familyId());
        update.executeUpdate();
      }
    }
  }

  /**
   * Revokes the family (no token of it refreshes any more) and returns the access tokens issued in it
   * that have not expired, so they can be revoked too. Nothing is returned for a family revoked before.
   */
  static List<AuthorizationStore.AccessToken> revokeFamily(Connection connection, String familyId, String reason, Instant now) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE refresh_families SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL")) {
      Columns.setInstant(update, 1, now);
      update.setString(2, reason);
      update.setString(3, familyId);
      if (update.executeUpdate() == 0) {
        return List.of();
      }
    }
    List<AuthorizationStore.AccessToken> live = new ArrayList<>();
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT access_jti, access_expires_at FROM refresh_tokens WHERE family_id = ? AND access_expires_at > ?")) {
      query.setString(1, familyId);
      Columns.setInstant(query, 2, now);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          live.add(new AuthorizationStore.AccessToken(rows.getString(1), Columns.getInstant(rows, "access_expires_at")));
        }
      }
    }
    return live;
  }

  /** Families past their lifetime, with their tokens (ON DELETE CASCADE is not on in every SQLite connection: delete explicitly). */
  static int deleteExpired(Connection connection, Instant cutoff) throws SQLException {
    try (PreparedStatement tokens = connection.prepareStatement(
        "DELETE FROM refresh_tokens WHERE family_id IN (SELECT id FROM refresh_families WHERE expires_at < ?)")) {
      Columns.setInstant(tokens, 1, cutoff);
      tokens.executeUpdate();
    }
    try (PreparedStatement families = connection.prepareStatement("DELETE FROM refresh_families WHERE expires_at < ?")) {
      Columns.setInstant(families, 1, cutoff);
      return families.executeUpdate();
    }
  }
}
