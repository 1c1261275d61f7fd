package dev.toolgate.server.users;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.toolgate.server.store.Columns;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.Jdbc;
import dev.toolgate.server.store.MasterKeyException;
import dev.toolgate.server.store.NotFoundException;
import dev.toolgate.server.store.SealedValues;
import dev.toolgate.server.store.SecretBox;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque customer identifiers (ASAPP's "customer identifier"): per (platform, user), an id that is
 * unique, stays the same across sessions and channels, and carries no PII.
 *
 * <p>{@code "oc" + version + "_" + base64url(HMAC-SHA256(key_version, platform + "\0" + userId))[:32]}:
 * 192 bits of a keyed MAC over the internal user id (itself random, {@code usr_…}), so without the
 * key it reveals nothing and cannot be linked to the user or across platforms. Keys are versioned
 * in {@code opaque_id_keys}, sealed with the master key ({@link SecretBox}); the first is generated
 * on first use and exactly one is active.
 *
 * <p><b>Resolution uses a lookup table</b> ({@code opaque_ids}) rather than recomputing: a MAC
 * cannot be inverted, so recomputing would cost one HMAC per user × platform × key version for
 * every resolve, while the table answers with one indexed read and keeps resolving ids minted
 * under retired keys. It also makes identifiers <b>consistent forever</b>: a (platform, user) that
 * already has an identifier keeps it after a key rotation (ASAPP ties conversations together by
 * it); only pairs seen for the first time get one under the new key. Mappings never change, so
 * they are cached in memory.
 *
 * <p>All methods block on the database: call them from worker threads.
 */
public final class OpaqueIds {
  /** Characters of base64url MAC kept: 32 × 6 = 192 bits. */
  static final int MAC_CHARS = 32;
  private static final Pattern FORMAT = Pattern.compile("oc([1-9][0-9]{0,8})_[A-Za-z0-9_-]{" + MAC_CHARS + "}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int KEY_BYTES = 32;
  /** How long the active key version is trusted before re-reading it (another process may rotate). */
  private static final Duration ACTIVE_KEY_TTL = Duration.ofSeconds(30);

  /**
   * One identifier and what it stands for.
   *
   * @param keyVersion the key version it was minted under
   */
  public record OpaqueId(String opaqueId, String platform, String userId, int keyVersion) {}

  /** A key's metadata (never its bytes). */
  public record KeyInfo(int version, String masterKeyId, Instant createdAt, boolean active) {}

  private record ActiveKey(int version, byte[] key, Instant loadedAt) {}

  private final Jdbc jdbc;
  private final SecretBox box;
  private final Clock clock;
  private final Map<Integer, byte[]> keys = new ConcurrentHashMap<>();
  private final Cache<String, OpaqueId> byPair = Caffeine.newBuilder().maximumSize(100_000).build();
  private final Cache<String, OpaqueId> byId = Caffeine.newBuilder().maximumSize(100_000).build();
  private volatile ActiveKey active;

  public OpaqueIds(Database database, SecretBox box) {
    this(database, box, Clock.systemUTC());
  }

  public OpaqueIds(Database database, SecretBox box, Clock clock) {
    this.jdbc = new Jdbc(database);
    this.box = Objects.requireNonNull(box, "box");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The identifier of {@code userId} on {@code platform}: the one it already has, or a new one
   * under the active key (generating the first key if there is none).
   *
   * @throws NotFoundException if there is no such user
   */
  public String idFor(String platform, String userId) {
    UserStore.requirePlatform(platform);
    Objects.requireNonNull(userId, "userId");
    String pair = platform + "\0" + userId;
    OpaqueId cached = byPair.getIfPresent(pair);
    if (cached != null) {
      return cached.opaqueId();
    }
    Optional<OpaqueId> existing = jdbc.read("find opaque id", c -> byPair(c, platform, userId));
    if (existing.isPresent()) {
      return remember(existing.get()).opaqueId();
    }
    ActiveKey key = activeKey();
    String minted = compute(key.key(), key.version(), platform, userId);
    Instant now = now();
    OpaqueId stored = jdbc.write("record opaque id", connection -> {
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO opaque_ids (opaque_id, platform, user_id, key_version, created_at) "
              + "SELECT ?, ?, id, ?, ? FROM users WHERE id = ? ON CONFLICT DO NOTHING")) {
        insert.setString(1, minted);
        insert.setString(2, platform);
        insert.setInt(3, key.version());
        Columns.setInstant(insert, 4, now);
        insert.setString(5, userId);
        insert.executeUpdate();
      }
      // Whoever won a race (another instance, perhaps under a newer key) defines the identifier.
      return byPair(connection, platform, userId)
          .orElseThrow(() -> new NotFoundException("no user with id '" + userId + "'"));
    });
    return remember(stored).opaqueId();
  }

  /** What {@code opaqueId} stands for; empty if it is malformed or was never issued. */
  public Optional<OpaqueId> resolve(String opaqueId) {
    if (opaqueId == null || !FORMAT.matcher(opaqueId).matches()) {
      return Optional.empty();
    }
    OpaqueId cached = byId.getIfPresent(opaqueId);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<OpaqueId> found = jdbc.read("resolve opaque id", connection -> {
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT opaque_id, platform, user_id, key_version FROM opaque_ids WHERE opaque_id = ?")) {
        query.setString(1, opaqueId);
        try (ResultSet row = query.executeQuery()) {
          return row.next() ? Optional.of(map(row)) : Optional.empty();
        }
      }
    });
    found.ifPresent(this::remember);
    return found;
  }

  /**
   * Makes a new key version active. Identifiers already issued keep resolving and stay the
   * identifiers of their (platform, user); identifiers minted from now on use the new key.
   *
   * @return the new version
   */
  public int rotateKey() {
    Instant now = now();
    byte[] fresh = newKey();
    int version = jdbc.write("rotate opaque id key", connection -> {
      try (PreparedStatement retire = connection.prepareStatement("UPDATE opaque_id_keys SET active = 0 WHERE active = 1")) {
        retire.executeUpdate();
      }
      int next;
      try (PreparedStatement query = connection.prepareStatement("SELECT COALESCE(MAX(version), 0) FROM opaque_id_keys");
          ResultSet row = query.executeQuery()) {
        row.next();
        next = row.getInt(1) + 1;
      }
      insertKey(connection, next, fresh, now);
      return next;
    });
    keys.put(version, fresh);
    active = new ActiveKey(version, fresh, clock.instant());
    return version;
  }

  /** Every key version, oldest first (metadata only). */
  public List<KeyInfo> keys() {
    return jdbc.read("list opaque id keys", connection -> {
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT version, master_key_id, created_at, active FROM opaque_id_keys ORDER BY version");
          ResultSet rows = query.executeQuery()) {
        List<KeyInfo> result = new ArrayList<>();
        while (rows.next()) {
          result.add(new KeyInfo(rows.getInt("version"), rows.getString("master_key_id"),
              Columns.getInstant(rows, "created_at"), Columns.getBoolean(rows, "active")));
        }
        return result;
      }
    });
  }

  /** The identifier under a given key; pure function of its inputs. */
  static String compute(byte[] key, int version, String platform, String userId) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] tag = mac.doFinal((platform + "\0" + userId).getBytes(StandardCharsets.UTF_8));
      return "oc" + version + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(tag).substring(0, MAC_CHARS);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }

  // ---- keys ----

  private ActiveKey activeKey() {
    ActiveKey current = active;
    if (current != null && current.loadedAt().plus(ACTIVE_KEY_TTL).isAfter(clock.instant())) {
      return current;
    }
    byte[] candidate = newKey();
    Instant now = now();
    ActiveKey loaded = jdbc.write("load opaque id key", connection -> {
      // The first key is created here, on first use; if any key exists this inserts nothing.
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO opaque_id_keys (version, master_key_id, sealed_key, created_at, active) "
              + "SELECT 1, ?, ?, ?, 1 WHERE NOT EXISTS (SELECT 1 FROM opaque_id_keys) ON CONFLICT DO NOTHING")) {
        SecretBox.Sealed sealed = box.seal(rowId(1), candidate);
        insert.setString(1, sealed.keyId());
        insert.setString(2, sealed.ciphertext());
        Columns.setInstant(insert, 3, now);
        insert.executeUpdate();
      }
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT version, master_key_id, sealed_key FROM opaque_id_keys WHERE active = 1");
          ResultSet row = query.executeQuery()) {
        if (!row.next()) {
          throw new IllegalStateException("opaque_id_keys has keys but none is active; run a key rotation");
        }
        int version = row.getInt("version");
        byte[] key = open(version, new SecretBox.Sealed(row.getString("master_key_id"), row.getString("sealed_key")));
        return new ActiveKey(version, key, clock.instant());
      }
    });
    keys.put(loaded.version(), loaded.key());
    active = loaded;
    return loaded;
  }

  /**
   * Opens a key version; one re-sealed under a master key this process lacks (a rotation it missed)
   * is taken from memory if it was opened before: a version's bytes never change.
   */
  private byte[] open(int version, SecretBox.Sealed sealed) {
    try {
      return box.open(rowId(version), sealed);
    } catch (MasterKeyException e) {
      byte[] known = keys.get(version);
      if (known == null || box.holds(sealed.keyId())) {
        throw e;
      }
      return known;
    }
  }

  private void insertKey(Connection connection, int version, byte[] key, Instant now) throws SQLException {
    SecretBox.Sealed sealed = box.seal(rowId(version), key);
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO opaque_id_keys (version, master_key_id, sealed_key, created_at, active) VALUES (?, ?, ?, ?, 1)")) {
      insert.setInt(1, version);
      insert.setString(2, sealed.keyId());
      insert.setString(3, sealed.ciphertext());
      Columns.setInstant(insert, 4, now);
      insert.executeUpdate();
    }
  }

  private static String rowId(int version) {
    return SealedValues.opaqueIdKeyRowId(version);
  }

  private static byte[] newKey() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return key;
  }

  // ---- rows ----

  private static Optional<OpaqueId> byPair(Connection connection, String platform, String userId) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT opaque_id, platform, user_id, key_version FROM opaque_ids WHERE platform = ? AND user_id = ?")) {
      query.setString(1, platform);
      query.setString(2, userId);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? Optional.of(map(row)) : Optional.empty();
      }
    }
  }

  private static OpaqueId map(ResultSet row) throws SQLException {
    return new OpaqueId(row.getString("opaque_id"), row.getString("platform"), row.getString("user_id"), row.getInt("key_version"));
  }

  private OpaqueId remember(OpaqueId id) {
    byPair.put(id.platform() + "\0" + id.userId(), id);
    byId.put(id.opaqueId(), id);
    return id;
  }

  private Instant now() {
    return Columns.millis(clock.instant());
  }
}
