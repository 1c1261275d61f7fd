package dev.toolgate.server.store;

import dev.toolgate.core.config.StoreSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure a master key is the one this store's encrypted values belong to, before anything
 * reads or writes them.
 *
 * <p>The store keeps a check value ({@code master_key_check}): a fixed label sealed under its
 * master key with AES-256-GCM. Only that key decrypts it, so a wrong or stale key (an old {@value
 * MasterKey#ENV_VAR} left in a shell, a key file of another installation) is refused at once, with
 * a message naming where the key came from and the key ids (never key bytes), instead of sealing
 * new secrets that no server can open.
 *
 * <p>A store made before the check value existed gets one on its first open, but only if the key in
 * hand decrypts every encrypted value already stored; otherwise the open is refused, naming the
 * values that do not decrypt.
 *
 * <p>While the master key is rotated (see {@link MasterKeyRotation}), a process holds the new key as
 * current and the old one as previous; the check value is then under either of them (the old one
 * until {@code toolgate master-key rotate} has re-sealed everything), and any other key is refused. A key file is created only for a store with no check value and
 * nothing encrypted: a new key could not open what is there.
 */
public final class MasterKeyCheck {
  static final String ASSOCIATED_DATA = "master_key_check";
  static final String KIND = "master key check value";
  private static final byte[] LABEL = "toolgate master key check v1".getBytes(StandardCharsets.US_ASCII);
  /** Values named in a refusal; the rest are counted. */
  private static final int LISTED = 5;
  private static final Logger LOG = LoggerFactory.getLogger(MasterKeyCheck.class);

  private MasterKeyCheck() {}

  /**
   * The master keys for this store: {@value MasterKey#ENV_VAR} if set, else the key file, which is
   * created only when the store holds nothing encrypted; and the previous key if one is configured
   * ({@value MasterKey#PREVIOUS_ENV_VAR} or {@code store.previous_master_key_file}); then {@link
   * #verify verified}.
   *
   * @throws MasterKeyException if a key is missing, malformed or not this store's
   */
  public static MasterKeys keyFor(Database database, StoreSettings settings) {
    return keyFor(database, settings, System::getenv);
  }

  /** As {@link #keyFor(Database, StoreSettings)}, reading environment variables through {@code env}. */
  public static MasterKeys keyFor(Database database, StoreSettings settings, Function<String, String> env) {
    Jdbc jdbc = new Jdbc(database);
    Optional<SecretBox.Sealed> check = jdbc.read("read the master key check value", MasterKeyCheck::read);
    Set<String> keyIds = check.isPresent() ? Set.of(check.get().keyId()) : jdbc.read("list master key ids", SealedValues::keyIds);
    String mustExistBecause = keyIds.isEmpty() ? null
        : database.target() + " holds data encrypted under master key " + String.join(", ", keyIds);
    MasterKeys keys = new MasterKeys(MasterKey.load(settings, env, mustExistBecause), MasterKey.loadPrevious(settings, env));
    verify(database, keys);
    return keys;
  }

  /** The id of the key the store's check value is under (the store's master key), or empty when it has none yet. */
  public static Optional<String> storeKeyId(Database database) {
    return new Jdbc(database).read("read the master key check value", MasterKeyCheck::read).map(SecretBox.Sealed::keyId);
  }

  /** As {@link #verify(Database, MasterKeys)} with {@code key} alone. */
  public static void verify(Database database, MasterKey key) {
    verify(database, MasterKeys.of(key));
  }

  /**
   * Refuses {@code keys} unless the store's check value is under the current key, or, while a
   * rotation is under way, under the previous one. On a store without a check value, records one if
   * the keys decrypt every encrypted value stored, and refuses otherwise.
   *
   * @throws MasterKeyException naming the keys' sources and ids, never a key
   */
  public static void verify(Database database, MasterKeys keys) {
    Jdbc jdbc = new Jdbc(database);
    Optional<SecretBox.Sealed> check = jdbc.read("read the master key check value", MasterKeyCheck::read);
    if (check.isEmpty()) {
      if (adopt(jdbc, keys)) {
        return;
      }
      // Another process recorded a check value meanwhile: ours must match it like any other.
      check = jdbc.read("read the master key check value", MasterKeyCheck::read);
    }
    requireMatch(check.orElseThrow(), keys, database.target());
  }

  /**
   * Records a check value if every sealed value opens with {@code keys}: under the current key when
   * it opens them all, else under the previous one (a rotation not yet run); false if a check value
   * appeared meanwhile.
   */
  private static boolean adopt(Jdbc jdbc, MasterKeys keys) {
    SecretBox box = keys.box();
    MasterKey key = keys.current();
    OptionalInt checked = jdbc.write("record the master key check value", connection -> {
      // The insert comes first: it takes SQLite's write lock and PostgreSQL's row lock, so no
      // value sealed under another key can be added between the survey and the commit.
      if (!insert(connection, box.seal(ASSOCIATED_DATA, LABEL))) {
        return OptionalInt.empty();
      }
      List<SealedValues.Value> values = SealedValues.all(connection);
      List<String> failing = values.stream().filter(v -> !v.opensWith(box)).map(v -> v.describe(box)).toList();
      if (!failing.isEmpty()) {
        throw new MasterKeyException(notAllDecrypt(keys, failing, values.size(), jdbc.database().target())); // rolls back
      }
      if (keys.previous().isPresent() && values.stream().anyMatch(v -> v.sealed().keyId().equals(keys.previous().get().id()))) {
        // Values are still under the previous key: the store's key stays that one until the rotation runs.
        replace(connection, new SecretBox(keys.previous().get()));
      }
      return OptionalInt.of(values.size());
    });
    checked.ifPresent(count -> LOG.info("recorded the master key check value of {} for {}; they decrypt all {} encrypted value(s) stored",
        jdbc.database().target(), keys.describe(), count));
    return checked.isPresent();
  }

  /** Replaces the check value with one for {@code box}'s key, inside the caller's transaction (a master key reset). */
  static void replace(Connection connection, SecretBox box) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM master_key_check")) {
      delete.executeUpdate();
    }
    insert(connection, box.seal(ASSOCIATED_DATA, LABEL));
  }

  private static void requireMatch(SecretBox.Sealed check, MasterKeys keys, String target) {
    MasterKey key = keys.current();
    Optional<MasterKey> previous = keys.previous();
    if (check.keyId().equals(key.id())) {
      requireLabel(check, key, target);
      previous.ifPresent(p -> LOG.info("master key rotation done: {} is under master key {} already; previous master key {} (from {})"
          + " is no longer needed: remove it ({} or store.previous_master_key_file) at the next restart", target, key.id(), p.id(), p.source(),
          MasterKey.PREVIOUS_ENV_VAR));
      return;
    }
    if (previous.isPresent() && check.keyId().equals(previous.get().id())) {
      requireLabel(check, previous.get(), target);
      LOG.info("master key rotation under way: {} is under previous master key {} (from {}); values are opened with either key and new"
          + " ones sealed under master key {} (from {}). Once every instance holds both keys, run `toolgate master-key rotate`",
          target, previous.get().id(), previous.get().source(), key.id(), key.source());
      return;
    }
    String which = previous.isEmpty()
        ? "the master key from " + key.source() + " (key id " + key.id() + ") is not"
        : "neither the master key from " + key.source() + " (key id " + key.id() + ") nor the previous master key from "
            + previous.get().source() + " (key id " + previous.get().id() + ") is";
    throw new MasterKeyException(which + " the master key of " + target + ", whose data is encrypted under master key "
        + check.keyId() + ": " + remedy(key, check.keyId()));
  }

  private static void requireLabel(SecretBox.Sealed check, MasterKey key, String target) {
    byte[] label;
    try {
      label = new SecretBox(key).open(KIND, ASSOCIATED_DATA, check);
    } catch (MasterKeyException e) {
      label = new byte[0];
    }
    if (!MessageDigest.isEqual(label, LABEL)) {
      throw new MasterKeyException("the master key check value in " + target + " does not decrypt under master key " + key.id()
          + " (from " + key.source() + "), the key it names: the row was altered. Restore the database from a backup");
    }
  }

  private static String remedy(MasterKey key, String storeKeyId) {
    String lost = ". If that key is lost for good, see `toolgate master-key reset --help`";
    return key.fromEnvironment()
        ? "set " + MasterKey.ENV_VAR + " to master key " + storeKeyId + ", or unset it to use the key file (store.master_key_file)" + lost
        : "restore the key file that holds master key " + storeKeyId + ", or set " + MasterKey.ENV_VAR + " to that key" + lost;
  }

  private static String notAllDecrypt(MasterKeys keys, List<String> failing, int total, String target) {
    String listed = String.join("; ", failing.subList(0, Math.min(LISTED, failing.size())))
        + (failing.size() > LISTED ? "; and " + (failing.size() - LISTED) + " more" : "");
    MasterKey key = keys.current();
    String which = keys.previous().isEmpty() ? "the master key from " + key.source() + " (key id " + key.id() + ") does not"
        : "the master keys in use, " + keys.describe() + ", do not";
    return which + " decrypt " + failing.size() + " of the "
        + total + " encrypted value(s) in " + target + ": " + listed + ". The store has no master key check value yet, and one"
        + " is recorded only for a key that decrypts everything stored: use the key these values were encrypted with."
        + " If it is lost for good, see `toolgate master-key reset --help`";
  }

  static Optional<SecretBox.Sealed> read(Connection connection) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT master_key_id, check_value FROM master_key_check WHERE id = 1");
        ResultSet row = query.executeQuery()) {
      return row.next() ? Optional.of(new SecretBox.Sealed(row.getString(1), row.getString(2))) : Optional.empty();
    }
  }

  /** Inserts the check value unless there is one; whether it did. */
  private static boolean insert(Connection connection, SecretBox.Sealed sealed) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO master_key_check (id, master_key_id, check_value, created_at) VALUES (1, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      insert.setString(1, sealed.keyId());
      insert.setString(2, sealed.ciphertext());
      Columns.setInstant(insert, 3, Columns.millis(Instant.now()));
      return insert.executeUpdate() == 1;
    }
  }
}
