package dev.toolgate.server.admin;

import dev.toolgate.core.secret.SecretDigest;
import dev.toolgate.core.secret.SecretGenerator;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.IssuedSecret;
import dev.toolgate.server.store.Jdbc;
import dev.toolgate.server.store.NotFoundException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Admin API tokens in the database. Values are 32 random bytes behind {@value #PREFIX}, shown once
 * at creation and stored only as SHA-256 digests (high-entropy values: a slow hash would add
 * nothing). Revoking keeps the row and its first revocation time.
 *
 * <p>All methods block on the database: call them from worker threads.
 */
public final class AdminTokenStore {
  public static final String PREFIX = "tga_";
  private static final String ID_PREFIX = "adm";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");
  private static final String COLUMNS = "id, name, role, digest, created_at, expires_at, revoked_at, last_used_at";

  private final Jdbc jdbc;
  private final Clock clock;

  public AdminTokenStore(Database database) {
    this(database, Clock.systemUTC());
  }

  public AdminTokenStore(Database database, Clock clock) {
    this.jdbc = new Jdbc(database);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Issues an admin token.
   *
   * @param name a label: 1-64 letters, digits, '.', '_', '@' or '-'
   * @param expiresAt null for a token that does not expire; otherwise in the future
   */
  public IssuedSecret<AdminToken> create(String name, Instant expiresAt) {
    return create(name, AdminRole.ADMIN, expiresAt);
  }

  /**
   * Issues an admin token with a role.
   *
   * @param name a label: 1-64 letters, digits, '.', '_', '@' or '-'
   * @param expiresAt null for a token that does not expire; otherwise in the future
   */
  public IssuedSecret<AdminToken> create(String name, AdminRole role, Instant expiresAt) {
    Objects.requireNonNull(role, "role");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("admin token name must be 1-64 letters, digits, '.', '_', '@' or '-'");
    }
    Instant now = now();
    Instant expires = expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MILLIS);
    if (expires != null && !expires.isAfter(now)) {
      throw new IllegalArgumentException("expiry " + expires + " is not in the future");
    }
    String value = SecretGenerator.secret(PREFIX);
    AdminToken token = new AdminToken(SecretGenerator.id(ID_PREFIX), name, role, SecretDigest.of(value), now, expires, null, null);
    return jdbc.write("create admin token", connection -> {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO admin_tokens (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)")) {
        insert.setString(1, token.id());
        insert.setString(2, token.name());
        insert.setString(3, role.value());
        insert.setString(4, token.digest());
        setInstant(insert, 5, token.createdAt());
        setInstant(insert, 6, token.expiresAt());
        insert.executeUpdate();
      }
      return new IssuedSecret<>(token, value);
    });
  }

  /** Every admin token (active, expired, revoked), oldest first. */
  public List<AdminToken> list() {
    return jdbc.read("list admin tokens", connection -> query(connection, "SELECT " + COLUMNS + " FROM admin_tokens ORDER BY created_at, id"));
  }

  /** One admin token. */
  public java.util.Optional<AdminToken> find(String id) {
    return jdbc.read("find admin token", connection -> {
      try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM admin_tokens WHERE id = ?")) {
        query.setString(1, id);
        return rows(query).stream().findFirst();
      }
    });
  }

  /** Tokens that are neither revoked nor expired now: what {@link AdminAuth} accepts. */
  public List<AdminToken> active() {
    Instant now = now();
    return jdbc.read("load admin tokens", connection -> {
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT " + COLUMNS + " FROM admin_tokens WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)")) {
        setInstant(query, 1, now);
        return rows(query);
      }
    });
  }

  /**
   * Revokes an admin token (running servers: at once on PostgreSQL, within a second on SQLite).
   *
   * @return true if this call revoked it, false if it already was
   */
  public boolean revoke(String id) {
    Instant now = now();
    return jdbc.write("revoke admin token", connection -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE admin_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
        setInstant(update, 1, now);
        update.setString(2, id);
        if (update.executeUpdate() == 1) {
          return true;
        }
      }
      try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM admin_tokens WHERE id = ?")) {
        query.setString(1, id);
        try (ResultSet row = query.executeQuery()) {
          if (!row.next()) {
            throw new NotFoundException("no admin token with id '" + id + "'");
          }
        }
      }
      return false;
    });
  }

  /** Moves last-used times forward (never back); unknown ids are ignored. */
  public void touchLastUsed(Map<String, Instant> lastUsedById) {
    if (lastUsedById.isEmpty()) {
      return;
    }
    Map<String, Instant> sorted = new TreeMap<>(lastUsedById); // fixed order: no deadlocks between servers
    jdbc.write("update admin token last-used times", connection -> {
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE admin_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")) {
        for (Map.Entry<String, Instant> entry : sorted.entrySet()) {
          Instant at = entry.getValue().truncatedTo(ChronoUnit.MILLIS);
          setInstant(update, 1, at);
          update.setString(2, entry.getKey());
          setInstant(update, 3, at);
          update.addBatch();
        }
        update.executeBatch();
      }
      return null;
    });
  }

  private static List<AdminToken> query(java.sql.Connection connection, String sql) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      return rows(query);
    }
  }

  private static List<AdminToken> rows(PreparedStatement query) throws SQLException {
    try (ResultSet rows = query.executeQuery()) {
      List<AdminToken> tokens = new ArrayList<>();
      while (rows.next()) {
        tokens.add(new AdminToken(rows.getString("id"), rows.getString("name"),
            AdminRole.parse(rows.getString("role")).orElseThrow(() -> new IllegalStateException("unknown admin token role in the store")),
            rows.getString("digest"),
            getInstant(rows, "created_at"), getInstant(rows, "expires_at"), getInstant(rows, "revoked_at"),
            getInstant(rows, "last_used_at")));
      }
      return tokens;
    }
  }

  private static void setInstant(PreparedStatement statement, int index, Instant value) throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, value.toEpochMilli());
    }
  }

  private static Instant getInstant(ResultSet row, String column) throws SQLException {
    long millis = row.getLong(column);
    return row.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
