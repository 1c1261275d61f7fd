package dev.toolgate.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every value in the store sealed under the master key: signing secrets, Toolgate's signing keys
 * and the keys of opaque customer ids. {@link MasterKeyCheck} opens them all before it trusts a key
 * for a store that has no check value yet; {@link MasterKeyReset} removes those a lost key sealed.
 */
public final class SealedValues {
  static final String SIGNING_SECRET = "signing secret";
  static final String SIGNING_KEY = SigningKeyMaterial.KIND;
  static final String OPAQUE_ID_KEY = "opaque id key";

  /**
   * One sealed value.
   *
   * @param kind what it is, for messages ("signing secret")
   * @param rowId the row's id (a signing secret's id, a kid, an opaque id key's version)
   * @param associatedData what it was sealed with as associated data
   */
  record Value(String kind, String rowId, String associatedData, SecretBox.Sealed sealed) {
    /** Whether {@code box} decrypts it. */
    boolean opensWith(SecretBox box) {
      try {
        box.open(kind, associatedData, sealed);
        return true;
      } catch (MasterKeyException e) {
        return false;
      }
    }

    /** "signing secret sec_x (encrypted under master key 1a2b…)", for messages: never the value. */
    String describe(SecretBox box) {
      return kind + " " + rowId + (box.holds(sealed.keyId())
          ? " (does not authenticate: altered or copied from another row)"
          : " (encrypted under master key " + sealed.keyId() + ")");
    }
  }

  private SealedValues() {}

  /** The associated data an opaque id key of {@code version} is sealed with. */
  public static String opaqueIdKeyRowId(int version) {
    return "opaque_id_key:" + version;
  }

  /** The tables that hold sealed values, and where: each row's id, key id and ciphertext columns. */
  enum Table {
    SIGNING_SECRETS(SIGNING_SECRET, "signing_secrets", "id", "ciphertext"),
    SIGNING_KEYS(SIGNING_KEY, "signing_keys", "kid", "private_jwk"),
    OPAQUE_ID_KEYS(OPAQUE_ID_KEY, "opaque_id_keys", "version", "sealed_key");

    final String kind;
    final String name;
    final String idColumn;
    final String ciphertextColumn;

    Table(String kind, String name, String idColumn, String ciphertextColumn) {
      this.kind = kind;
      this.name = name;
      this.idColumn = idColumn;
      this.ciphertextColumn = ciphertextColumn;
    }

    /** The value of row {@code id} (as read with {@code getObject}). */
    Value value(Object id, String keyId, String ciphertext) {
      String rowId = id.toString();
      String associatedData = this == OPAQUE_ID_KEYS ? opaqueIdKeyRowId(((Number) id).intValue()) : rowId;
      return new Value(kind, rowId, associatedData, new SecretBox.Sealed(keyId, ciphertext));
    }
  }

  /** Every sealed value, signing secrets first, then signing keys, then opaque id keys. */
  static List<Value> all(Connection connection) throws SQLException {
    List<Value> values = new ArrayList<>();
    for (Table table : Table.values()) {
      try (PreparedStatement query = connection.prepareStatement("SELECT " + table.idColumn + ", master_key_id, " + table.ciphertextColumn
              + " FROM " + table.name + " ORDER BY " + table.idColumn);
          ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          values.add(table.value(rows.getObject(1), rows.getString(2), rows.getString(3)));
        }
      }
    }
    return values;
  }

  /** The ids of the master keys the stored values say they were sealed under; empty when nothing is sealed. */
  static Set<String> keyIds(Connection connection) throws SQLException {
    Set<String> ids = new TreeSet<>();
    try (PreparedStatement query = connection.prepareStatement(
            "SELECT master_key_id FROM signing_secrets UNION SELECT master_key_id FROM signing_keys"
                + " UNION SELECT master_key_id FROM opaque_id_keys");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
    }
    return ids;
  }
}
