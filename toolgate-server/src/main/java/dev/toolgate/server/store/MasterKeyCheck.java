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
 * values that do not decrypt. A key file is created only for a store with no check value and
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
   * The master key for this store: {@value MasterKey#ENV_VAR} if set, else the key file, which is
   * created only when the store holds nothing encrypted; then {@link #verify verified}.
   *
   * @throws MasterKeyException if the key is missing, malformed or not this store's
   */
  public static MasterKey keyFor(Database database, StoreSettings settings) {
    return keyFor(database, settings, System::getenv);
  }

  /** As {@link #keyFor(Database, StoreSettings)}, reading environment variables through {@code env}. */
  public static MasterKey keyFor(Database database, StoreSettings settings, Function<String, String> env) {
    Jdbc jdbc = new Jdbc(database);
    Optional<SecretBox.Sealed> check = jdbc.read("read the master key check value", MasterKeyCheck::read);
    Set<String> keyIds = check.isPresent() ? Set.of(check.get().keyId()) : jdbc.read("list master key ids", SealedValues::keyIds);
    String mustExistBecause = keyIds.isEmpty() ? null
        : database.target() + " holds data encrypted under master key " + String.join(", ", keyIds);
    MasterKey key = MasterKey.load(settings, env, mustExistBecause);
    verify(database, key);
    return key;
  }

  /**
   * Refuses {@code key} unless it is this store's master key. On a store without a check value,
   * records one for {@code key} if it decrypts every encrypted value stored, and refuses otherwise.
   *
   * @throws MasterKeyException naming the key's source and the key ids, never the key
   */
  public static void verify(Database database, MasterKey key) {
    Jdbc jdbc = new Jdbc(database);
    SecretBox box = new SecretBox(key);
    Optional<SecretBox.Sealed> check = jdbc.read("read the master key check value", MasterKeyCheck::read);
    if (check.isEmpty()) {
      if (adopt(jdbc, box, key)) {
        return;
      }
      // Another process recorded a check value meanwhile: ours must match it like any other.
      check = jdbc.read("read the master key check value", MasterKeyCheck::read);
    }
    requireMatch(check.orElseThrow(), box, key, database.target());
  }

  /** Records {@code key} as the store's master key if every sealed value opens with it; false if a check value appeared meanwhile. */
  private static boolean adopt(Jdbc jdbc, SecretBox box, MasterKey key) {
    SecretBox.Sealed sealed = box.seal(ASSOCIATED_DATA, LABEL);
    OptionalInt checked = jdbc.write("record the master key check value", connection -> {
      // The insert comes first: it takes SQLite's write lock and PostgreSQL's row lock, so no
      // value sealed under another key can be added between the survey and the commit.
      if (!insert(connection, sealed)) {
        return OptionalInt.empty();
      }
      List<SealedValues.Value> values = SealedValues.all(connection);
      List<String> failing = values.stream().filter(v -> !v.opensWith(box)).map(v -> v.describe(box)).toList();
      if (!failing.isEmpty()) {
        throw new MasterKeyException(notAllDecrypt(key, failing, values.size(), jdbc.database().target())); // rolls back
      }
      return OptionalInt.of(values.size());
    });
    checked.ifPresent(count -> LOG.info("recorded master key {} (from {}) as the master key of {}; it decrypts all {} encrypted value(s) stored",
        key.id(), key.source(), jdbc.database().target(), count));
    return checked.isPresent();
  }

  /** Replaces the check value with one for {@code box}'s key, inside the caller's transaction (a master key reset). */
  static void replace(Connection connection, SecretBox box) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM master_key_check")) {
      delete.executeUpdate();
    }
    insert(connection, box.seal(ASSOCIATED_DATA, LABEL));
  }

  private static void requireMatch(SecretBox.Sealed check, SecretBox box, MasterKey key, String target) {
    if (!check.keyId().equals(key.id())) {
      throw new MasterKeyException("the master key from " + key.source() + " (key id " + key.id() + ") is not the master key of "
          + target + ", whose data is encrypted under master key " + check.keyId() + ": " + remedy(key, check.keyId()));
    }
    byte[] label;
    try {
      label = box.open(KIND, ASSOCIATED_DATA, check);
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

  private static String notAllDecrypt(MasterKey key, List<String> failing, int total, String target) {
    String listed = String.join("; ", failing.subList(0, Math.min(LISTED, failing.size())))
        + (failing.size() > LISTED ? "; and " + (failing.size() - LISTED) + " more" : "");
    return "the master key from " + key.source() + " (key id " + key.id() + ") does not decrypt " + failing.size() + " of the "
        + total + " encrypted value(s) in " + target + ": " + listed + ". The store has no master key check value yet, and one"
        + " is recorded only for a key that decrypts everything stored: use the key these values were encrypted with."
        + " If it is lost for good, see `toolgate master-key reset --help`";
  }

  private static Optional<SecretBox.Sealed> read(Connection connection) throws SQLException {
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
