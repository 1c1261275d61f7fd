package dev.toolgate.server.store;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Makes the key in hand the store's master key after the old one was lost for good.
 *
 * <p>Whatever the lost key sealed can never be decrypted again, so in one transaction: signing
 * secrets it sealed are deleted (add them again with {@code toolgate secret add}); Toolgate's
 * signing keys it sealed are deleted (the next server start makes a new one, and tokens they signed
 * stop verifying); if it sealed the active opaque-id key, a new key version under the new master
 * key becomes active (identifiers already issued keep resolving: that goes through a table, not the
 * key). Values the new key decrypts are kept. Then the check value is replaced, so from now on only
 * the new key opens the store.
 */
public final class MasterKeyReset {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int OPAQUE_KEY_BYTES = 32;

  /**
   * What a reset did.
   *
   * @param removedSigningSecrets "sec_x (client name)" of each signing secret deleted
   * @param removedSigningKeys kids of the signing keys deleted
   * @param newOpaqueIdKeyVersion the opaque-id key version made active, or 0 when the active one was kept
   * @param kept how many encrypted values the new key decrypts and were kept
   */
  public record Outcome(List<String> removedSigningSecrets, List<String> removedSigningKeys, int newOpaqueIdKeyVersion, int kept) {}

  private MasterKeyReset() {}

  public static Outcome run(Database database, MasterKey key) {
    Objects.requireNonNull(key, "key");
    SecretBox box = new SecretBox(key);
    Instant now = Columns.millis(Instant.now());
    return new Jdbc(database).write("reset the master key", connection -> {
      RevisionTable.bump(connection); // first: takes the write lock; running servers reload
      List<String> secrets = new ArrayList<>();
      List<String> keys = new ArrayList<>();
      boolean activeOpaqueKeyLost = false;
      int kept = 0;
      for (SealedValues.Value value : SealedValues.all(connection)) {
        if (value.opensWith(box)) {
          kept++;
        } else if (value.kind().equals(SealedValues.SIGNING_SECRET)) {
          secrets.add(value.rowId() + " (client " + clientOf(connection, value.rowId()) + ")");
          delete(connection, "DELETE FROM signing_secrets WHERE id = ?", value.rowId());
        } else if (value.kind().equals(SealedValues.SIGNING_KEY)) {
          keys.add(value.rowId());
          delete(connection, "DELETE FROM signing_keys WHERE kid = ?", value.rowId());
        } else {
          // Older opaque-id key versions stay: issued identifiers refer to them, and only the
          // active version is ever decrypted (to mint new identifiers).
          activeOpaqueKeyLost |= isActiveOpaqueKey(connection, value.rowId());
        }
      }
      int opaqueVersion = activeOpaqueKeyLost ? replaceActiveOpaqueKey(connection, box, now) : 0;
      MasterKeyCheck.replace(connection, box);
      return new Outcome(List.copyOf(secrets), List.copyOf(keys), opaqueVersion, kept);
    });
  }

  private static String clientOf(Connection connection, String secretId) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT c.name FROM signing_secrets s JOIN clients c ON c.id = s.client_id WHERE s.id = ?")) {
      query.setString(1, secretId);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? row.getString(1) : "?";
      }
    }
  }

  private static void delete(Connection connection, String sql, String id) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement(sql)) {
      delete.setString(1, id);
      delete.executeUpdate();
    }
  }

  private static boolean isActiveOpaqueKey(Connection connection, String version) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT active FROM opaque_id_keys WHERE version = ?")) {
      query.setInt(1, Integer.parseInt(version));
      try (ResultSet row = query.executeQuery()) {
        return row.next() && Columns.getBoolean(row, "active");
      }
    }
  }

  /** The same change as {@code OpaqueIds.rotateKey}, inside this transaction. */
  private static int replaceActiveOpaqueKey(Connection connection, SecretBox box, Instant now) throws SQLException {
    try (PreparedStatement retire = connection.prepareStatement("UPDATE opaque_id_keys SET active = 0 WHERE active = 1")) {
      retire.executeUpdate();
    }
    int version;
    try (PreparedStatement query = connection.prepareStatement("SELECT COALESCE(MAX(version), 0) + 1 FROM opaque_id_keys");
        ResultSet row = query.executeQuery()) {
      row.next();
      version = row.getInt(1);
    }
    byte[] key = new byte[OPAQUE_KEY_BYTES];
    RANDOM.nextBytes(key);
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO opaque_id_keys (version, master_key_id, sealed_key, created_at, active) VALUES (?, ?, ?, ?, 1)")) {
      SecretBox.Sealed sealed = box.seal(SealedValues.opaqueIdKeyRowId(version), key);
      insert.setInt(1, version);
      insert.setString(2, sealed.keyId());
      insert.setString(3, sealed.ciphertext());
      Columns.setInstant(insert, 4, now);
      insert.executeUpdate();
    } finally {
      Arrays.fill(key, (byte) 0);
    }
    return version;
  }
}
