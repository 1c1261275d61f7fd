package dev.toolgate.server.users;

import dev.toolgate.core.secret.SecretDigest;
import dev.toolgate.core.secret.SecretGenerator;
import dev.toolgate.server.store.Columns;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.IssuedSecret;
import dev.toolgate.server.store.Jdbc;
import dev.toolgate.server.store.NotFoundException;
import dev.toolgate.server.store.SqlErrors;
import dev.toolgate.server.store.StoreConflictException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * End users, their identities on platforms, and platform users' session tokens, in the database.
 *
 * <p>Passwords arrive here already hashed ({@link PasswordHasher}); session tokens are stored only
 * as SHA-256 digests and their value is returned once. Every write transaction starts with a write
 * statement (see {@link Jdbc#write}). None of these changes bumps the credential store's revision:
 * the gateway's credential snapshot holds none of them.
 *
 * <p>All methods block on the database: call them from worker threads.
 */
public final class UserStore {
  /** Session token lifetime when the caller gives no {@code expires_at}, as on Sendbird's Platform API. */
  public static final Duration DEFAULT_SESSION_LIFETIME = Duration.ofDays(7);
  /** Longest session token lifetime accepted. */
  public static final Duration MAX_SESSION_LIFETIME = Duration.ofDays(365);
  /** Prefix of session token values. */
  public static final String SESSION_TOKEN_PREFIX = "tgu_";

  private static final String USER_ID_PREFIX = "usr";
  private static final String SESSION_ID_PREFIX = "sess";
  private static final Pattern USERNAME = Pattern.compile("[a-z0-9._@+-]{1,128}");
  private static final Pattern PLATFORM = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final int MAX_PLATFORM_USER_ID = 128;

  private static final String USER_COLUMNS = "id, username, password_hash, disabled, created_at, password_changed_at";
  private static final String SESSION_COLUMNS = "id, user_id, platform, digest, created_at, expires_at, revoked_at";

  private final Jdbc jdbc;
  private final Clock clock;

  public UserStore(Database database) {
    this(database, Clock.systemUTC());
  }

  public UserStore(Database database, Clock clock) {
    this.jdbc = new Jdbc(database);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  // ---- names ----

  /** The stored form of a username: stripped and lower-cased (null stays null). Does not validate. */
  public static String normalizeUsername(String username) {
    return username == null ? null : username.strip().toLowerCase(Locale.ROOT);
  }

  /** The normalised username, or {@link IllegalArgumentException} saying what is wrong with it. */
  public static String requireUsername(String username) {
    String name = normalizeUsername(username);
    if (name == null || !USERNAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "username must be 1-128 characters of letters, digits, '.', '_', '@', '+' or '-'");
    }
    return name;
  }

  /** A platform name: lower-case letters, digits, '_' and '-', 1-64 characters. */
  public static String requirePlatform(String platform) {
    if (platform == null || !PLATFORM.matcher(platform).matches()) {
      throw new IllegalArgumentException("platform must be 1-64 lower-case letters, digits, '_' or '-' (e.g. sendbird)");
    }
    return platform;
  }

  /** A platform's user id: 1-128 characters, no control characters, no surrounding spaces. */
  public static String requirePlatformUserId(String platformUserId) {
    if (platformUserId == null || platformUserId.isEmpty() || platformUserId.length() > MAX_PLATFORM_USER_ID
        || !platformUserId.equals(platformUserId.strip())
        || platformUserId.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("user_id must be 1-128 characters without control characters or surrounding spaces");
    }
    return platformUserId;
  }

  // ---- users ----

  /** Creates an enabled user. A taken username (in any case) is a {@link StoreConflictException}. */
  public User createUser(String username, String passwordHash) {
    String name = requireUsername(username);
    Objects.requireNonNull(passwordHash, "passwordHash");
    Instant now = now();
    User user = new User(SecretGenerator.id(USER_ID_PREFIX), name, passwordHash, false, now, now);
    return jdbc.write("create user", connection -> {
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO users (" + USER_COLUMNS + ") VALUES (?, ?, ?, 0, ?, ?)")) {
        insert.setString(1, user.id());
        insert.setString(2, user.username());
        insert.setString(3, user.passwordHash());
        Columns.setInstant(insert, 4, now);
        Columns.setInstant(insert, 5, now);
        insert.executeUpdate();
      } catch (SQLException e) {
        if (SqlErrors.isUniqueViolation(e)) {
          throw new StoreConflictException("a user named '" + name + "' already exists");
        }
        throw e;
      }
      return user;
    });
  }

  /** All users, by username. */
  public List<User> listUsers() {
    return jdbc.read("list users", connection -> {
      try (PreparedStatement query = connection.prepareStatement("SELECT " + USER_COLUMNS + " FROM users ORDER BY username");
          ResultSet rows = query.executeQuery()) {
        List<User> users = new ArrayList<>();
        while (rows.next()) {
          users.add(mapUser(rows));
        }
        return users;
      }
    });
  }

  public Optional<User> findUser(String id) {
    return jdbc.read("find user", connection -> userWhere(connection, "id", id));
  }

  /** The user with this username (compared in lower case); empty for names that cannot exist. */
  public Optional<User> findUserByUsername(String username) {
    String name = normalizeUsername(username);
    if (name == null || !USERNAME.matcher(name).matches()) {
      return Optional.empty();
    }
    return jdbc.read("find user", connection -> userWhere(connection, "username", name));
  }

  /** The user with this id or, failing that, this username (for the CLI). */
  public Optional<User> findUserByIdOrName(String idOrName) {
    Optional<User> byId = findUser(idOrName);
    return byId.isPresent() ? byId : findUserByUsername(idOrName);
  }

  /** Disables or enables a user; a disabled user's logins fail like a wrong password. */
  public User setUserDisabled(String userId, boolean disabled) {
    return jdbc.write(disabled ? "disable user" : "enable user", connection -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE users SET disabled = ? WHERE id = ?")) {
        update.setInt(1, disabled ? 1 : 0);
        update.setString(2, userId);
        update.executeUpdate();
      }
      return requireUser(connection, userId);
    });
  }

  /** Replaces a user's password hash (a reset) and records when. */
  public User setPasswordHash(String userId, String passwordHash) {
    Objects.requireNonNull(passwordHash, "passwordHash");
    Instant now = now();
    return jdbc.write("set user password", connection -> {
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?")) {
        update.setString(1, passwordHash);
        Columns.setInstant(update, 2, now);
        update.setString(3, userId);
        update.executeUpdate();
      }
      return requireUser(connection, userId);
    });
  }

  /**
   * Replaces {@code oldHash} by {@code newHash} (the same password under newer Argon2 parameters),
   * unless the password was changed meanwhile. Does not move {@code password_changed_at}.
   *
   * @return true if replaced
   */
  public boolean upgradePasswordHash(String userId, String oldHash, String newHash) {
    return jdbc.write("upgrade password hash", connection -> {
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?")) {
        update.setString(1, newHash);
        update.setString(2, userId);
        update.setString(3, oldHash);
        return update.executeUpdate() == 1;
      }
    });
  }

  // ---- platform users ----

  /**
   * Maps {@code platformUserId} on {@code platform} to the user named {@code username}. Mapping
   * again to the same user returns the existing mapping; a platform user id already mapped to
   * another user, or a user already mapped to another id on this platform, is a conflict.
   *
   * @throws NotFoundException if there is no such user
   */
  public PlatformUser mapPlatformUser(String platform, String platformUserId, String username) {
    String p = requirePlatform(platform);
    String pid = requirePlatformUserId(platformUserId);
    String name = normalizeUsername(username);
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("username is required");
    }
    Instant now = now();
    return jdbc.write("map platform user", connection -> {
      // Write first (SQLite takes the write lock here); ON CONFLICT DO NOTHING keeps the
      // transaction usable on PostgreSQL when the mapping exists, so it can be read below.
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO platform_users (platform, platform_user_id, user_id, created_at) "
              + "SELECT ?, ?, id, ? FROM users WHERE username = ? ON CONFLICT DO NOTHING")) {
        insert.setString(1, p);
        insert.setString(2, pid);
        Columns.setInstant(insert, 3, now);
        insert.setString(4, name);
        insert.executeUpdate();
      }
      User user = userWhere(connection, "username", name)
          .orElseThrow(() -> new NotFoundException("no user named '" + name + "'"));
      Optional<PlatformUser> mapped = platformUser(connection, p, pid);
      if (mapped.isPresent() && mapped.get().userId().equals(user.id())) {
        return mapped.get();
      }
      if (mapped.isPresent()) {
        throw new StoreConflictException("user_id '" + pid + "' on " + p + " is already mapped to another user");
      }
      throw new StoreConflictException("user '" + name + "' already has another user_id on " + p);
    });
  }

  public Optional<PlatformUser> findPlatformUser(String platform, String platformUserId) {
    return jdbc.read("find platform user", connection -> platformUser(connection, platform, platformUserId));
  }

  /** The platform identities of one internal user. */
  public List<PlatformUser> listPlatformUsers(String userId) {
    return jdbc.read("list platform users", connection -> {
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT platform, platform_user_id, user_id, created_at FROM platform_users WHERE user_id = ? ORDER BY platform")) {
        query.setString(1, userId);
        try (ResultSet rows = query.executeQuery()) {
          List<PlatformUser> result = new ArrayList<>();
          while (rows.next()) {
            result.add(mapPlatformUser(rows));
          }
          return result;
        }
      }
    });
  }

  // ---- session tokens ----

  /**
   * Issues a session token to a platform user. Its value is returned once and stored only as a
   * digest.
   *
   * @param expiresAt null for {@link #DEFAULT_SESSION_LIFETIME} from now; otherwise in the future
   *     and at most {@link #MAX_SESSION_LIFETIME} away
   * @throws NotFoundException if the platform user is not mapped
   */
  public IssuedSecret<SessionToken> createSessionToken(String platform, String platformUserId, Instant expiresAt) {
    Instant now = now();
    Instant expires = expiresAt == null ? now.plus(DEFAULT_SESSION_LIFETIME) : Columns.millis(expiresAt);
    if (!expires.isAfter(now)) {
      throw new IllegalArgumentException("expires_at " + expires.toEpochMilli() + " is not in the future");
    }
    if (expires.isAfter(now.plus(MAX_SESSION_LIFETIME))) {
      throw new IllegalArgumentException("expires_at is more than " + MAX_SESSION_LIFETIME.toDays() + " days away");
    }
    String value = SecretGenerator.secret(SESSION_TOKEN_PREFIX);
    String id = SecretGenerator.id(SESSION_ID_PREFIX);
    String digest = SecretDigest.of(value);
    return jdbc.write("create session token", connection -> {
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO session_tokens (" + SESSION_COLUMNS + ") "
              + "SELECT ?, user_id, platform, ?, ?, ?, NULL FROM platform_users WHERE platform = ? AND platform_user_id = ?")) {
        insert.setString(1, id);
        insert.setString(2, digest);
        Columns.setInstant(insert, 3, now);
        Columns.setInstant(insert, 4, expires);
        insert.setString(5, platform);
        insert.setString(6, platformUserId);
        if (insert.executeUpdate() != 1) {
          throw notMapped(platform, platformUserId);
        }
      }
      SessionToken token = sessionToken(connection, id).orElseThrow();
      return new IssuedSecret<>(token, value);
    });
  }

  /** A platform user's session tokens (active, expired and revoked), oldest first. */
  public List<SessionToken> listSessionTokens(String platform, String platformUserId) {
    return jdbc.read("list session tokens", connection -> {
      PlatformUser user = platformUser(connection, platform, platformUserId)
          .orElseThrow(() -> notMapped(platform, platformUserId));
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT " + SESSION_COLUMNS + " FROM session_tokens WHERE platform = ? AND user_id = ? ORDER BY created_at, id")) {
        query.setString(1, user.platform());
        query.setString(2, user.userId());
        try (ResultSet rows = query.executeQuery()) {
          List<SessionToken> tokens = new ArrayList<>();
          while (rows.next()) {
            tokens.add(mapSession(rows));
          }
          return tokens;
        }
      }
    });
  }

  /**
   * Revokes one of a platform user's session tokens; the first revocation time is kept.
   *
   * @return true if this call revoked it, false if it already was
   * @throws NotFoundException if the platform user is unknown or the token is not theirs
   */
  public boolean revokeSessionToken(String platform, String platformUserId, String tokenId) {
    Instant now = now();
    return jdbc.write("revoke session token", connection -> {
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE session_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL AND platform = ? "
              + "AND user_id = (SELECT user_id FROM platform_users WHERE platform = ? AND platform_user_id = ?)")) {
        Columns.setInstant(update, 1, now);
        update.setString(2, tokenId);
        update.setString(3, platform);
        update.setString(4, platform);
        update.setString(5, platformUserId);
        if (update.executeUpdate() == 1) {
          return true;
        }
      }
      PlatformUser user = platformUser(connection, platform, platformUserId)
          .orElseThrow(() -> notMapped(platform, platformUserId));
      Optional<SessionToken> token = sessionToken(connection, tokenId);
      if (token.isEmpty() || !token.get().userId().equals(user.userId()) || !token.get().platform().equals(platform)) {
        throw new NotFoundException("no session token '" + tokenId + "' for user_id '" + platformUserId + "' on " + platform);
      }
      return false;
    });
  }

  /** Revokes a session token by id alone (for the CLI). */
  public boolean revokeSessionToken(String tokenId) {
    Instant now = now();
    return jdbc.write("revoke session token", connection -> {
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE session_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
        Columns.setInstant(update, 1, now);
        update.setString(2, tokenId);
        if (update.executeUpdate() == 1) {
          return true;
        }
      }
      if (sessionToken(connection, tokenId).isEmpty()) {
        throw new NotFoundException("no session token with id '" + tokenId + "'");
      }
      return false;
    });
  }

  /**
   * Revokes every session token of a platform user that is not revoked yet.
   *
   * @return how many this call revoked
   * @throws NotFoundException if the platform user is unknown
   */
  public int revokeAllSessionTokens(String platform, String platformUserId) {
    Instant now = now();
    return jdbc.write("revoke all session tokens", connection -> {
      int revoked;
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE session_tokens SET revoked_at = ? WHERE revoked_at IS NULL AND platform = ? "
              + "AND user_id = (SELECT user_id FROM platform_users WHERE platform = ? AND platform_user_id = ?)")) {
        Columns.setInstant(update, 1, now);
        update.setString(2, platform);
        update.setString(3, platform);
        update.setString(4, platformUserId);
        revoked = update.executeUpdate();
      }
      if (revoked == 0 && platformUser(connection, platform, platformUserId).isEmpty()) {
        throw notMapped(platform, platformUserId);
      }
      return revoked;
    });
  }

  /** The session token whose value is {@code value} (looked up by digest), whatever its state. */
  public Optional<SessionToken> findSessionTokenByValue(String value) {
    if (value == null || !value.startsWith(SESSION_TOKEN_PREFIX)) {
      return Optional.empty();
    }
    String digest = SecretDigest.of(value);
    return jdbc.read("find session token", connection -> {
      try (PreparedStatement query = connection.prepareStatement("SELECT " + SESSION_COLUMNS + " FROM session_tokens WHERE digest = ?")) {
        query.setString(1, digest);
        try (ResultSet row = query.executeQuery()) {
          return row.next() ? Optional.of(mapSession(row)) : Optional.empty();
        }
      }
    });
  }

  // ---- helpers ----

  private static NotFoundException notMapped(String platform, String platformUserId) {
    return new NotFoundException("no user_id '" + platformUserId + "' on platform " + platform);
  }

  private static User requireUser(Connection connection, String id) throws SQLException {
    return userWhere(connection, "id", id).orElseThrow(() -> new NotFoundException("no user with id '" + id + "'"));
  }

  /** {@code column} is a constant of this class, never input. */
  private static Optional<User> userWhere(Connection connection, String column, String value) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT " + USER_COLUMNS + " FROM users WHERE " + column + " = ?")) {
      query.setString(1, value);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? Optional.of(mapUser(row)) : Optional.empty();
      }
    }
  }

  private static Optional<PlatformUser> platformUser(Connection connection, String platform, String platformUserId) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT platform, platform_user_id, user_id, created_at FROM platform_users WHERE platform = ? AND platform_user_id = ?")) {
      query.setString(1, platform);
      query.setString(2, platformUserId);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? Optional.of(mapPlatformUser(row)) : Optional.empty();
      }
    }
  }

  private static Optional<SessionToken> sessionToken(Connection connection, String id) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT " + SESSION_COLUMNS + " FROM session_tokens WHERE id = ?")) {
      query.setString(1, id);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? Optional.of(mapSession(row)) : Optional.empty();
      }
    }
  }

  private static User mapUser(ResultSet row) throws SQLException {
    return new User(row.getString("id"), row.getString("username"), row.getString("password_hash"),
        Columns.getBoolean(row, "disabled"), Columns.getInstant(row, "created_at"), Columns.getInstant(row, "password_changed_at"));
  }

  private static PlatformUser mapPlatformUser(ResultSet row) throws SQLException {
    return new PlatformUser(row.getString("platform"), row.getString("platform_user_id"), row.getString("user_id"),
        Columns.getInstant(row, "created_at"));
  }

  private static SessionToken mapSession(ResultSet row) throws SQLException {
    return new SessionToken(row.getString("id"), row.getString("user_id"), row.getString("platform"), row.getString("digest"),
        Columns.getInstant(row, "created_at"), Columns.getInstant(row, "expires_at"), Columns.getInstant(row, "revoked_at"));
  }

  private Instant now() {
    return Columns.millis(clock.instant());
  }
}
