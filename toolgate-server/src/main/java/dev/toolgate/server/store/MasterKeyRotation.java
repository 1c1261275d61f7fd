package dev.toolgate.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Re-seals every sealed value under the current master key, then moves the check value to it: the
 * step of a master key rotation that makes the previous key unnecessary.
 *
 * <p>Rows are re-sealed in batches, each one transaction that first bumps the store revision (which
 * takes SQLite's write lock or PostgreSQL's revision row lock, and makes running servers reload). A
 * row's key id and ciphertext change in one statement, so whenever the work stops (a crash, a lost
 * connection) every row is readable with one of the two keys, and running it again carries on. The
 * check value moves last, in a transaction that also re-seals anything sealed under the previous key
 * meanwhile, so once it names the new key nothing is left under the old one. Running it again when
 * everything is under the current key does nothing.
 *
 * <p>Values that cannot be re-sealed (sealed under a third key, or altered so they no longer
 * authenticate) are left as they are and reported: neither key opens them, before or after.
 */
public final class MasterKeyRotation {
  /** Rows re-sealed per transaction. */
  static final int BATCH_SIZE = 200;

  /**
   * What a rotation did.
   *
   * @param resealed per kind ("signing secret", "signing key", "opaque id key"), how many values were re-sealed
   * @param notResealed values left as they were, and why (ids and key ids only)
   * @param checkValueMoved whether the check value was moved to the current key (false when it already was)
   */
  public record Outcome(String fromKeyId, String toKeyId, Map<String, Integer> resealed, List<String> notResealed, boolean checkValueMoved) {
    public Outcome {
      resealed = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(resealed));
      notResealed = List.copyOf(notResealed);
    }

    /** How many values were re-sealed in all. */
    public int total() {
      return resealed.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  /** Called inside each batch's transaction after its updates; throwing rolls the batch back. For tests that stop a rotation half-way. */
  @FunctionalInterface
  interface Checkpoint {
    void batchDone(SealedValues.Table table, int resealed) throws SQLException;
  }

  private final Jdbc jdbc;
  private final MasterKey current;
  private final MasterKey previous;
  private final SecretBox box;
  private final int batchSize;
  private final Checkpoint checkpoint;
  private final Map<String, Integer> resealed = new LinkedHashMap<>();
  private final Set<String> notResealed = new LinkedHashSet<>();

  private MasterKeyRotation(Database database, MasterKeys keys, int batchSize, Checkpoint checkpoint) {
    this.jdbc = new Jdbc(database);
    this.current = keys.current();
    this.previous = keys.previous().orElseThrow(() -> new IllegalArgumentException(
        "a rotation needs the previous master key (" + MasterKey.PREVIOUS_ENV_VAR + " or store.previous_master_key_file)"));
    this.box = keys.box();
    this.batchSize = batchSize;
    this.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint");
    for (SealedValues.Table table : SealedValues.Table.values()) {
      resealed.put(table.kind, 0);
    }
  }

  /**
   * Re-seals everything sealed under {@code keys}' previous key under its current key, then moves
   * the check value. Call it with keys {@link MasterKeyCheck#verify verified} for this store.
   *
   * @throws IllegalArgumentException if {@code keys} has no previous key
   */
  public static Outcome run(Database database, MasterKeys keys) {
    return run(database, keys, BATCH_SIZE, (table, count) -> {});
  }

  static Outcome run(Database database, MasterKeys keys, int batchSize, Checkpoint checkpoint) {
    return new MasterKeyRotation(database, keys, batchSize, checkpoint).run();
  }

  private Outcome run() {
    if (nothingToDo()) {
      notResealed.addAll(jdbc.read("list values under other master keys", this::underOtherKeys));
      return outcome(false);
    }
    for (SealedValues.Table table : SealedValues.Table.values()) {
      Object after = null;
      while (true) {
        Object from = after;
        Batch batch = jdbc.write("re-seal " + table.kind + "s under master key " + current.id(), connection -> {
          RevisionTable.bump(connection); // first: takes the write lock; running servers reload
          Batch done = reseal(connection, table, from, batchSize);
          checkpoint.batchDone(table, done.resealed());
          return done;
        });
        count(table, batch.resealed());
        if (batch.read() < batchSize) {
          break;
        }
        after = batch.lastId();
      }
    }
    boolean moved = jdbc.write("move the master key check value to master key " + current.id(), connection -> {
      RevisionTable.bump(connection);
      // Anything sealed under the previous key since its batch (a process that held only that key).
      for (SealedValues.Table table : SealedValues.Table.values()) {
        count(table, reseal(connection, table, null, Integer.MAX_VALUE).resealed());
      }
      Optional<SecretBox.Sealed> check = MasterKeyCheck.read(connection);
      if (check.isPresent() && check.get().keyId().equals(current.id())) {
        return false;
      }
      MasterKeyCheck.replace(connection, new SecretBox(current));
      return true;
    });
    notResealed.addAll(jdbc.read("list values under other master keys", this::underOtherKeys));
    return outcome(moved);
  }

  private boolean nothingToDo() {
    return jdbc.read("survey the master key rotation", connection -> {
      Optional<SecretBox.Sealed> check = MasterKeyCheck.read(connection);
      if (check.isEmpty() || !check.get().keyId().equals(current.id())) {
        return false;
      }
      for (SealedValues.Table table : SealedValues.Table.values()) {
        try (PreparedStatement query = connection.prepareStatement("SELECT COUNT(*) FROM " + table.name + " WHERE master_key_id = ?")) {
          query.setString(1, previous.id());
          try (ResultSet row = query.executeQuery()) {
            row.next();
            if (row.getLong(1) > 0) {
              return false;
            }
          }
        }
      }
      return true;
    });
  }

  /** One batch: how many rows it read, how many of them it re-sealed, and the last id read. */
  private record Batch(int read, int resealed, Object lastId) {}

  /** Re-seals up to {@code limit} rows of {@code table} under the previous key whose id comes after {@code after} (from the start when null). */
  private Batch reseal(Connection connection, SealedValues.Table table, Object after, int limit) throws SQLException {
    List<SealedValues.Value> values = new ArrayList<>();
    List<Object> ids = new ArrayList<>();
    String sql = "SELECT " + table.idColumn + ", master_key_id, " + table.ciphertextColumn + " FROM " + table.name
        + " WHERE master_key_id = ?" + (after == null ? "" : " AND " + table.idColumn + " > ?")
        + " ORDER BY " + table.idColumn + (limit == Integer.MAX_VALUE ? "" : " LIMIT " + limit);
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      query.setString(1, previous.id());
      if (after != null) {
        query.setObject(2, after);
      }
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getObject(1));
          values.add(table.value(rows.getObject(1), rows.getString(2), rows.getString(3)));
        }
      }
    }
    int done = 0;
    String update = "UPDATE " + table.name + " SET master_key_id = ?, " + table.ciphertextColumn + " = ? WHERE "
        + table.idColumn + " = ? AND master_key_id = ?";
    for (int i = 0; i < values.size(); i++) {
      SealedValues.Value value = values.get(i);
      byte[] plain;
      try {
        plain = box.open(value.kind(), value.associatedData(), value.sealed());
      } catch (MasterKeyException e) {
        notResealed.add(value.kind() + " " + value.rowId() + " (under previous master key " + previous.id()
            + ", but does not authenticate: altered or copied from another row)");
        continue;
      }
      try (PreparedStatement statement = connection.prepareStatement(update)) {
        SecretBox.Sealed sealed = box.seal(value.associatedData(), plain);
        statement.setString(1, sealed.keyId());
        statement.setString(2, sealed.ciphertext());
        statement.setObject(3, ids.get(i));
        statement.setString(4, previous.id());
        done += statement.executeUpdate();
      } finally {
        java.util.Arrays.fill(plain, (byte) 0);
      }
    }
    return new Batch(values.size(), done, ids.isEmpty() ? after : ids.get(ids.size() - 1));
  }

  private List<String> underOtherKeys(Connection connection) throws SQLException {
    List<String> found = new ArrayList<>();
    for (SealedValues.Value value : SealedValues.all(connection)) {
      if (!box.holds(value.sealed().keyId())) {
        found.add(value.kind() + " " + value.rowId() + " (under master key " + value.sealed().keyId() + ", neither of the keys in use)");
      }
    }
    return found;
  }

  private void count(SealedValues.Table table, int n) {
    resealed.merge(table.kind, n, Integer::sum);
  }

  private Outcome outcome(boolean moved) {
    return new Outcome(previous.id(), current.id(), resealed, new ArrayList<>(notResealed), moved);
  }
}
