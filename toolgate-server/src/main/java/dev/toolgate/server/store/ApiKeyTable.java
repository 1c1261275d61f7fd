package dev.toolgate.server.store;

import dev.toolgate.core.port.ApiKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** SQL for the {@code api_keys} table; tools are kept as one comma-separated, sorted text value. */
final class ApiKeyTable {
  private static final String COLUMNS = "id, client_id, digest, tools, created_at, expires_at, revoked_at, last_used_at";

  private ApiKeyTable() {}

  static void insert(Connection connection, ApiKey key) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO api_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, key.id());
      insert.setString(2, key.clientId());
      insert.setString(3, key.digest());
      insert.setString(4, joinTools(key.tools()));
      Columns.setInstant(insert, 5, key.createdAt());
      Columns.setInstant(insert, 6, key.expiresAt());
      Columns.setInstant(insert, 7, key.revokedAt());
      Columns.setInstant(insert, 8, key.lastUsedAt());
      insert.executeUpdate();
    }
  }

  /** Keys of one client, or of all clients when {@code clientId} is null; oldest first. */
  static List<ApiKey> list(Connection connection, String clientId) throws SQLException {
    String sql = "SELECT " + COLUMNS + " FROM api_keys"
        + (clientId == null ? "" : " WHERE client_id = ?") + " ORDER BY created_at, id";
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      if (clientId != null) {
        query.setString(1, clientId);
      }
      try (ResultSet rows = query.executeQuery()) {
        List<ApiKey> result = new ArrayList<>();
        while (rows.next()) {
          result.add(map(rows));
        }
        return result;
      }
    }
  }

  static Optional<ApiKey> find(Connection connection, String id) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM api_keys WHERE id = ?")) {
      query.setString(1, id);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? Optional.of(map(row)) : Optional.empty();
      }
    }
  }

  private static ApiKey map(ResultSet row) throws SQLException {
    return new ApiKey(
        row.getString("id"),
        row.getString("client_id"),
        row.getString("digest"),
        splitTools(row.getString("tools")),
        Columns.getInstant(row, "created_at"),
        Columns.getInstant(row, "expires_at"),
        Columns.getInstant(row, "revoked_at"),
        Columns.getInstant(row, "last_used_at"));
  }

  /** Sorted, so the stored text does not depend on the set's iteration order. */
  static String joinTools(Set<String> tools) {
    return String.join(",", new TreeSet<>(tools));
  }

  static Set<String> splitTools(String text) {
    return Arrays.stream(text.split(",")).filter(tool -> !tool.isEmpty()).collect(Collectors.toUnmodifiableSet());
  }
}
