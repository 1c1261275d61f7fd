package dev.toolgate.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** SQL for the {@code registration} and {@code application_type} columns of {@code clients}. */
final class ClientKindTable {
  private ClientKindTable() {}

  /** Returns whether the client exists (and so was updated). */
  static boolean set(Connection connection, String clientId, ClientKind kind) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement("UPDATE clients SET registration = ?, application_type = ? WHERE id = ?")) {
      update.setString(1, kind.registration().value());
      update.setString(2, kind.applicationType().value());
      update.setString(3, clientId);
      return update.executeUpdate() > 0;
    }
  }

  /** Every client's kind by client id. */
  static Map<String, ClientKind> all(Connection connection) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT id, registration, application_type FROM clients");
        ResultSet rows = query.executeQuery()) {
      Map<String, ClientKind> kinds = new HashMap<>();
      while (rows.next()) {
        kinds.put(rows.getString("id"), map(rows.getString("registration"), rows.getString("application_type")));
      }
      return kinds;
    }
  }

  /** One client's kind; empty if there is no such client. */
  static Optional<ClientKind> find(Connection connection, String clientId) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT registration, application_type FROM clients WHERE id = ?")) {
      query.setString(1, clientId);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? Optional.of(map(row.getString("registration"), row.getString("application_type"))) : Optional.empty();
      }
    }
  }

  /** The ids of the clients that registered themselves. */
  static Set<String> dynamicIds(Connection connection) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT id FROM clients WHERE registration = ?")) {
      query.setString(1, ClientKind.Registration.DYNAMIC.value());
      try (ResultSet rows = query.executeQuery()) {
        Set<String> ids = new HashSet<>();
        while (rows.next()) {
          ids.add(rows.getString("id"));
        }
        return ids;
      }
    }
  }

  /** The CHECK constraints of V9 allow nothing else; were they bypassed, the narrower reading (admin, web) is taken. */
  private static ClientKind map(String registration, String applicationType) {
    return new ClientKind(ClientKind.Registration.parse(registration).orElse(ClientKind.Registration.ADMIN),
        ClientKind.ApplicationType.parse(applicationType).orElse(ClientKind.ApplicationType.WEB));
  }
}
