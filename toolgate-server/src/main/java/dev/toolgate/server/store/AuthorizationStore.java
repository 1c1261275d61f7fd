package dev.toolgate.server.store;

import dev.toolgate.core.secret.SecretDigest;
import dev.toolgate.core.secret.SecretGenerator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The state of the authorization code flow, shared by every instance through the store: codes
 * (single use), consents (per user and client), and refresh-token families (rotation with a grace
 * window for concurrent refreshes; reuse of an older token revokes the family and the access tokens
 * issued in it).
 *
 * <p>The token endpoint checks a code or refresh token first ({@link #code}, {@link #refresh}: no
 * lock, nothing signed for a bad one), signs the new access token, then commits with
 * {@link #exchange} or {@link #rotate}, which decide again under the lock: two requests racing with
 * one code or one old token are told apart there. All methods block: call them from worker threads.
 */
public final class AuthorizationStore {
  /** How refresh token values start ({@code tgr_}), so the revocation endpoint can tell them from JWTs. */
  public static final String REFRESH_TOKEN_PREFIX = RefreshTokens.PREFIX;

  /** What the consent page hands over to become a code. */
  public record NewCode(String clientId, String userId, String redirectUri, String codeChallenge, String resource, Set<String> scopes,
      Instant expiresAt) {}

  /** A stored code; {@code usedAt} set once exchanged (or burnt by a failed exchange). */
  public record Code(String digest, String clientId, String userId, String redirectUri, String codeChallenge, String resource,
      Set<String> scopes, Instant createdAt, Instant expiresAt, Instant usedAt, String familyId) {}

  /** An access token issued beside a refresh token, remembered so a family revocation can revoke it. */
  public record AccessToken(String jti, Instant expiresAt) {}

  /**
   * A refresh token with its family's state.
   *
   * @param familyCreatedAt when the user signed in (the code exchange): a password changed since ends the family
   */
  public record Refresh(String digest, String familyId, int generation, Set<String> scopes, Instant usedAt, String clientId, String userId,
      String resource, Set<String> familyScopes, Instant familyCreatedAt, Instant familyExpiresAt, int familyGeneration, Instant generationUsedAt,
      Instant revokedAt) {}

  /** How a code exchange or a rotation ended. */
  public sealed interface Outcome {}

  /** Tokens issued: the new refresh token's value. */
  public record Issued(String refreshToken, String familyId) implements Outcome {}

  /** A replayed code or a reused refresh token: the family is revoked, with these live access tokens. */
  public record Revoked(String familyId, List<AccessToken> accessTokens) implements Outcome {}

  /** The token is not usable (unknown, expired, revoked family): nothing changed. */
  public record Refused(String reason) implements Outcome {}

  private final Jdbc jdbc;
  private final Clock clock;

  public AuthorizationStore(Database database, Clock clock) {
    this.jdbc = new Jdbc(database);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  // ---- codes ----

  /** Stores a code and returns its value. */
  public String issueCode(NewCode code) {
    Instant now = now();
    return jdbc.write("issue authorization code", connection -> AuthorizationCodes.insert(connection, code, now));
  }

  public Optional<Code> code(String value) {
    return jdbc.read("find authorization code", connection -> AuthorizationCodes.find(connection, SecretDigest.of(value)));
  }

  /** A code whose exchange failed a check (wrong verifier, redirect or resource) is used up: an attacker gets one try. */
  public void burn(Code code) {
    Instant now = now();
    jdbc.write("burn authorization code", connection -> {
      AuthorizationCodes.burn(connection, code.digest(), now);
      return null;
    });
  }

  /**
   * Exchanges a checked code for a refresh-token family whose first token comes with {@code access}.
   * If the code was used in between (or before), its family is revoked instead.
   */
  public Outcome exchange(Code code, AccessToken access, Duration refreshTtl) {
    Instant now = now();
    String familyId = SecretGenerator.id("rf");
    return jdbc.write("exchange authorization code", connection -> {
      if (!AuthorizationCodes.markUsed(connection, code.digest(), now, familyId)) {
        return replayed(connection, code.digest(), now);
      }
      RefreshTokens.insertFamily(connection, familyId, code, now, now.plus(refreshTtl));
      String refresh = RefreshTokens.insertToken(connection, familyId, 1, String.join(" ", code.scopes()), access, now);
      return new Issued(refresh, familyId);
    });
  }

  /** A code used a second time: what its first exchange issued is revoked (RFC 6749 §4.1.2). */
  public Outcome replayed(Code code) {
    Instant now = now();
    return jdbc.write("revoke a replayed code's tokens", connection -> {
      // A write first (see Jdbc#write): read first, SQLite fails at once with SQLITE_BUSY when another
      // connection writes before the revocation does, which replays racing each other do.
      AuthorizationCodes.lock(connection, code.digest());
      return replayed(connection, code.digest(), now);
    });
  }

  private Outcome replayed(Connection connection, String digest, Instant now) throws SQLException {
    Optional<Code> used = AuthorizationCodes.find(connection, digest);
    if (used.isEmpty() || used.get().familyId() == null) {
      return new Refused("the authorization code was already used");
    }
    return revoke(connection, used.get().familyId(), "authorization code replayed", now);
  }

  // ---- refresh tokens ----

  public Optional<Refresh> refresh(String value) {
    return jdbc.read("find refresh token", connection -> RefreshTokens.find(connection, SecretDigest.of(value)));
  }

  /**
   * Rotates {@code token}: a first use of the newest generation, or a repeat of it within
   * {@code grace} of its first use (concurrent refreshes), gets a new token of the next generation.
   * Any other use is reuse of a superseded token: the family is revoked.
   */
  public Outcome rotate(Refresh token, Set<String> scopes, AccessToken access, Duration grace) {
    Instant now = now();
    return jdbc.write("rotate refresh token", connection -> {
      RefreshTokens.lockFamily(connection, token.familyId());
      Optional<Refresh> current = RefreshTokens.find(connection, token.digest());
      if (current.isEmpty()) {
        return new Refused("unknown refresh token");
      }
      Refresh t = current.get();
      if (t.revokedAt() != null) {
        return new Refused("the refresh token was revoked");
      }
      if (!now.isBefore(t.familyExpiresAt())) {
        return new Refused("the refresh token has expired");
      }
      boolean first = t.usedAt() == null && t.generation() > t.familyGeneration();
      boolean concurrent = t.generation() == t.familyGeneration() && t.generationUsedAt() != null
          && !now.isAfter(t.generationUsedAt().plus(grace));
      if (!first && !concurrent) {
        return revoke(connection, t.familyId(), "refresh token reused after rotation", now);
      }
      RefreshTokens.markUsed(connection, t, now);
      String refresh = RefreshTokens.insertToken(connection, t.familyId(), t.generation() + 1, String.join(" ", scopes), access, now);
      return new Issued(refresh, t.familyId());
    });
  }

  /**
   * RFC 7009: revokes the family of a refresh token of {@code clientId}. Empty when the token is not
   * this client's or unknown (answered 200 all the same, as RFC 7009 §2.2 asks).
   */
  public Optional<Revoked> revokeRefreshToken(String value, String clientId) {
    Optional<Refresh> found = refresh(value);
    if (found.isEmpty() || !found.get().clientId().equals(clientId)) {
      return Optional.empty();
    }
    Instant now = now();
    String familyId = found.get().familyId();
    return Optional.of(jdbc.write("revoke refresh token", connection -> {
      RefreshTokens.lockFamily(connection, familyId);
      return revoke(connection, familyId, "revoked by the client", now);
    }));
  }

  /** Revokes the family and, in the same transaction, its access tokens (the store revision moves once). */
  private Revoked revoke(Connection connection, String familyId, String reason, Instant now) throws SQLException {
    List<AccessToken> live = RefreshTokens.revokeFamily(connection, familyId, reason, now);
    if (!live.isEmpty()) {
      RevisionTable.bump(connection);
      long revision = RevisionTable.current(connection);
      for (AccessToken token : live) {
        RevokedTokenTable.insertIfAbsent(connection, token.jti(), null, token.expiresAt(), now, revision);
      }
    }
    return new Revoked(familyId, live);
  }

  // ---- consents ----

  /** Whether the user already allowed the client these scopes for this resource. */
  public boolean consented(String userId, String clientId, Set<String> scopes, String resource) {
    return jdbc.read("read consent", connection -> {
      try (PreparedStatement query = connection.prepareStatement("SELECT scope, resources FROM consents WHERE user_id = ? AND client_id = ?")) {
        query.setString(1, userId);
        query.setString(2, clientId);
        try (ResultSet row = query.executeQuery()) {
          return row.next() && AuthorizationCodes.scopes(row.getString("scope")).containsAll(scopes)
              && AuthorizationCodes.scopes(row.getString("resources")).contains(resource);
        }
      }
    });
  }

  /** Remembers the consent, adding to what was allowed before. */
  public void rememberConsent(String userId, String clientId, Set<String> scopes, String resource) {
    Instant now = now();
    jdbc.write("remember consent", connection -> {
      // A write first (see Jdbc#write): the row exists, locked, before it is read. DO UPDATE, not DO
      // NOTHING: PostgreSQL locks an existing row only for an update, and without the lock two
      // consents at once each merge into what they read and the later write loses the other's scopes.
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO consents (user_id, client_id, scope, resources, granted_at)"
          + " VALUES (?, ?, '', '', ?) ON CONFLICT (user_id, client_id) DO UPDATE SET granted_at = excluded.granted_at")) {
        insert.setString(1, userId);
        insert.setString(2, clientId);
        Columns.setInstant(insert, 3, now);
        insert.executeUpdate();
      }
      Set<String> allScopes = new LinkedHashSet<>();
      Set<String> resources = new LinkedHashSet<>();
      try (PreparedStatement query = connection.prepareStatement("SELECT scope, resources FROM consents WHERE user_id = ? AND client_id = ?")) {
        query.setString(1, userId);
        query.setString(2, clientId);
        try (ResultSet row = query.executeQuery()) {
          if (row.next()) {
            allScopes.addAll(AuthorizationCodes.scopes(row.getString("scope")));
            resources.addAll(AuthorizationCodes.scopes(row.getString("resources")));
          }
        }
      }
      allScopes.addAll(scopes);
      resources.add(resource);
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE consents SET scope = ?, resources = ?, granted_at = ? WHERE user_id = ? AND client_id = ?")) {
        update.setString(1, String.join(" ", allScopes));
        update.setString(2, String.join(" ", resources));
        Columns.setInstant(update, 3, now);
        update.setString(4, userId);
        update.setString(5, clientId);
        update.executeUpdate();
      }
      return null;
    });
  }

  /** Deletes codes and refresh families that can no longer be used. */
  public void purgeExpired() {
    Instant cutoff = now().minus(OAuthClientStore.REVOCATION_SKEW_MARGIN);
    jdbc.write("purge expired codes and refresh tokens", connection -> {
      AuthorizationCodes.deleteExpired(connection, cutoff);
      RefreshTokens.deleteExpired(connection, cutoff);
      return null;
    });
  }

  private Instant now() {
    return Columns.millis(clock.instant());
  }
}
