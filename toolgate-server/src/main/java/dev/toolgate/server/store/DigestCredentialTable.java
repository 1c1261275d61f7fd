package dev.toolgate.server.store;

import dev.toolgate.core.port.StaticToken;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * SQL for the two tables of bearer secrets kept as digests with the same columns: {@code
 * static_tokens} and {@code client_secrets} (OAuth client secrets).
 */
final class DigestCredentialTable<T> {
  /** One row, whichever table it is in. */
  record Row(String id, String clientId, String digest, Instant createdAt, Instant expiresAt, Instant revokedAt, Instant lastUsedAt) {}

  static final DigestCredentialTable<StaticToken> STATIC_TOKENS = new DigestCredentialTable<>("static_tokens",
      t -> new Row(t.id(), t.clientId(), t.digest(), t.createdAt(), t.expiresAt(), t.revokedAt(), t.lastUsedAt()),
      r -> new StaticToken(r.id(), r.clientId(), r.digest(), r.createdAt(), r.expiresAt(), r.revokedAt(), r.lastUsedAt()));
  static final DigestCredentialTable<ClientSecret> CLIENT_SECRETS = new DigestCredentialTable<>("client_secrets",
      s -> new Row(s.id(), s.clientId(), s.digest(), s.createdAt(), s.expiresAt(), s.revokedAt(), s.lastUsedAt()),
      r -> new ClientSecret(r.id(), r.clientId(), r.digest(), r.createdAt(), r.expiresAt(), r.revokedAt(), r.lastUsedAt()));

  private static final String COLUMNS = "id, client_id, digest, created_at, expires_at, revoked_at, last_used_at";

  private final String table;
  private final Function<T, Row> toRow;
  private final Function<Row, T> fromRow;

  private DigestCredentialTable(String table, Function<T, Row> toRow, Function<Row, T> fromRow) {
    this.table = table;
    this.toRow = toRow;
    this.fromRow = fromRow;
  }

  void insert(Connection connection, T credential) throws SQLException {
    Row row = toRow.apply(credential);
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, row.id());
      insert.setString(2, row.clientId());
      insert.setString(3, row.digest());
      Columns.setInstant(insert, 4, row.createdAt());
      Columns.setInstant(insert, 5, row.expiresAt());
      Columns.setInstant(insert, 6, row.revokedAt());
      Columns.setInstant(insert, 7, row.lastUsedAt());
      insert.executeUpdate();
    }
  }

  Optional<T> find(Connection connection, String id) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM " + table + " WHERE id = ?")) {
      query.setString(1, id);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? Optional.of(map(rows)) : Optional.empty();
      }
    }
  }

  /** The rows of one client, or of all clients when {@code clientId} is null; oldest first. */
  List<T> list(Connection connection, String clientId) throws SQLException {
    String sql = "SELECT " + COLUMNS + " FROM " + table + (clientId == null ? "" : " WHERE client_id = ?") + " ORDER BY created_at, id";
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      if (clientId != null) {
        query.setString(1, clientId);
      }
      try (ResultSet rows = query.executeQuery()) {
        List<T> result = new ArrayList<>();
        while (rows.next()) {
          result.add(map(rows));
        }
        return result;
      }
    }
  }

  private T map(ResultSet row) throws SQLException {
    return fromRow.apply(new Row(
        row.getString("id"),
        row.getString("client_id"),
        row.getString("digest"),
        Columns.getInstant(row, "created_at"),
        Columns.getInstant(row, "expires_at"),
        Columns.getInstant(row, "revoked_at"),
        Columns.getInstant(row, "last_used_at")));
  }
}
