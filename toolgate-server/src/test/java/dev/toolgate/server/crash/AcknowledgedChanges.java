package dev.toolgate.server.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.secret.SecretDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Credential changes a crash test's clients saw acknowledged (by the admin API or by the CLI), and the
 * check that a store still holds every one of them, whole, after a SIGKILL. Credentials are created
 * without an expiry and rotated with {@link #OVERLAP_SECONDS}, so an expiry on a stored token or key
 * can only come from a rotation: one whose successor is missing was half done.
 */
class AcknowledgedChanges {
  static final long OVERLAP_SECONDS = 3600;
  private static final long CLOCK_SLACK_MILLIS = 60_000;
  private static final String[] CREDENTIAL_TABLES = {"static_tokens", "api_keys", "signing_secrets"};
  private static final Set<String> ROTATED_TABLES = Set.of("static_tokens", "api_keys");

  /** A credential a client saw created: its table, id, client and secret. */
  record Created(String table, String id, String clientId, String secret) {}

  /** A rotation a client saw answered: the old credential must still live for the overlap, asked at {@code sentAtMillis}. */
  record Rotation(String table, String oldId, String newId, long sentAtMillis) {}

  private record Row(String table, String clientId, String digest, long createdAt, Long expiresAt, boolean revoked) {}

  final ConcurrentLinkedQueue<String> clients = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Created> created = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Rotation> rotations = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<String> revokedKeys = new ConcurrentLinkedQueue<>();

  int count() {
    return clients.size() + created.size() + rotations.size() + revokedKeys.size();
  }

  /**
   * Every acknowledged change is in the store and complete, no credential is without its client, and
   * no rotation is half done. Returns the ids of the stored clients and credentials.
   */
  Set<String> assertKeptIn(Connection c, int round) throws SQLException {
    List<String> storedClients = column(c, "SELECT id FROM clients");
    assertThat(storedClients).as("round %d: acknowledged clients", round).containsAll(clients);
    Map<String, Row> rows = new HashMap<>();
    for (String table : CREDENTIAL_TABLES) {
      String digest = table.equals("signing_secrets") ? "NULL" : "digest";
      try (Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT id, client_id, " + digest + ", created_at, expires_at, revoked_at FROM " + table)) {
        while (r.next()) {
          Long expires = r.getObject(5) == null ? null : r.getLong(5);
          rows.put(r.getString(1), new Row(table, r.getString(2), r.getString(3), r.getLong(4), expires, r.getObject(6) != null));
        }
      }
      assertThat(column(c, "SELECT t.id FROM " + table + " t LEFT JOIN clients c ON c.id = t.client_id WHERE c.id IS NULL"))
          .as("round %d: %s without their client", round, table).isEmpty();
    }
    for (Created one : created) {
      Row row = rows.get(one.id());
      assertThat(row).as("round %d: acknowledged %s %s", round, one.table(), one.id()).isNotNull();
      assertThat(row.clientId()).isEqualTo(one.clientId());
      if (row.digest() != null) {
        assertThat(row.digest()).as("the secret the client was given matches the stored digest").isEqualTo(SecretDigest.of(one.secret()));
      }
    }
    for (Rotation rotation : rotations) {
      Row old = rows.get(rotation.oldId());
      assertThat(old).as("round %d: the credential rotated into %s", round, rotation.newId()).isNotNull();
      assertThat(rows).containsKey(rotation.newId());
      assertThat(old.expiresAt()).as("round %d: %s %s keeps its overlap", round, rotation.table(), rotation.oldId())
          .isNotNull().isGreaterThanOrEqualTo(rotation.sentAtMillis() + OVERLAP_SECONDS * 1000 - CLOCK_SLACK_MILLIS);
    }
    for (String revoked : revokedKeys) {
      assertThat(rows.get(revoked)).as("round %d: acknowledged revocation of %s", round, revoked).isNotNull();
      assertThat(rows.get(revoked).revoked()).as("round %d: %s revoked", round, revoked).isTrue();
    }
    rows.forEach((id, row) -> {
      if (ROTATED_TABLES.contains(row.table()) && row.expiresAt() != null) {
        long rotatedAt = row.expiresAt() - OVERLAP_SECONDS * 1000;
        assertThat(rows.values()).as("round %d: the successor of rotated %s %s", round, row.table(), id)
            .anyMatch(next -> next != row && next.table().equals(row.table()) && next.clientId().equals(row.clientId())
                && Math.abs(next.createdAt() - rotatedAt) <= CLOCK_SLACK_MILLIS);
      }
    });
    Set<String> ids = new HashSet<>(storedClients);
    ids.addAll(rows.keySet());
    return ids;
  }

  static List<String> column(Connection c, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (PreparedStatement q = c.prepareStatement(sql); ResultSet r = q.executeQuery()) {
      while (r.next()) {
        values.add(r.getString(1));
      }
    }
    return values;
  }
}
