package dev.toolgate.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SQL for the OAuth columns of {@code clients}: allowed_scopes and auth_methods (space-separated,
 * sorted), token_ttl_seconds, jwks (public JWK set JSON or null).
 */
final class ClientOAuthTable {
  private static final String COLUMNS = "id, allowed_scopes, token_ttl_seconds, auth_methods, jwks, redirect_uris";

  /** One client's settings, or why its stored settings are unusable. */
  record Entry(String clientId, OAuthSettings settings, String problem) {}

  private ClientOAuthTable() {}

  /** Returns whether the client exists (and so was updated). */
  static boolean update(Connection connection, String clientId, OAuthSettings settings) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE clients SET allowed_scopes = ?, token_ttl_seconds = ?, auth_methods = ?, jwks = ? WHERE id = ?")) {
      update.setString(1, String.join(" ", settings.allowedScopes()));
      update.setLong(2, settings.tokenTtl().toSeconds());
      update.setString(3, String.join(" ", settings.authMethods()));
      Columns.setText(update, 4, settings.jwks() == null ? null : settings.jwks().toString(true));
      update.setString(5, clientId);
      return update.executeUpdate() > 0;
    }
  }

  /** Replaces the redirect URIs only; returns whether the client exists. */
  static boolean updateRedirectUris(Connection connection, String clientId, List<String> uris) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement("UPDATE clients SET redirect_uris = ? WHERE id = ?")) {
      update.setString(1, String.join(" ", uris));
      update.setString(2, clientId);
      return update.executeUpdate() > 0;
    }
  }

  /** Redirect URIs hold no spaces (RedirectUris refuses them), so a space separates them. */
  static List<String> splitUris(String text) {
    return text == null || text.isBlank() ? List.of() : List.of(text.strip().split(" +"));
  }

  static Optional<Entry> find(Connection connection, String clientId) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM clients WHERE id = ?")) {
      query.setString(1, clientId);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? Optional.of(map(row)) : Optional.empty();
      }
    }
  }

  /** Every client's settings by client id; unusable ones are reported in {@code problems} and left out. */
  static Map<String, OAuthSettings> all(Connection connection, List<String> problems) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM clients");
        ResultSet rows = query.executeQuery()) {
      Map<String, OAuthSettings> result = new HashMap<>();
      while (rows.next()) {
        Entry entry = map(rows);
        if (entry.settings() != null) {
          result.put(entry.clientId(), entry.settings());
        } else {
          problems.add(entry.problem());
        }
      }
      return result;
    }
  }

  /** Stored values were validated when written; a row edited by hand into nonsense is reported, not thrown. */
  private static Entry map(ResultSet row) throws SQLException {
    String clientId = row.getString("id");
    try {
      OAuthSettings settings = new OAuthSettings(
          OAuthSettings.parseScopes(row.getString("allowed_scopes")),
          Duration.ofSeconds(row.getLong("token_ttl_seconds")),
          OAuthSettings.parseScopes(row.getString("auth_methods")),
          OAuthSettings.parseJwks(row.getString("jwks")),
          splitUris(row.getString("redirect_uris")));
      return new Entry(clientId, settings, null);
    } catch (IllegalArgumentException e) {
      return new Entry(clientId, null, "OAuth settings of client " + clientId + " are invalid: " + e.getMessage());
    }
  }
}
