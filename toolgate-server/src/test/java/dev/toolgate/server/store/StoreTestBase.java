package dev.toolgate.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Gives each test a freshly migrated database on the backend its concrete subclass names, so the
 * same tests run on SQLite and on PostgreSQL.
 */
abstract class StoreTestBase {
  static final Instant START = Instant.parse("2026-01-15T10:00:00.123Z");

  TestBackend backend;
  Database database;
  MutableClock clock;
  MasterKey masterKey;

  abstract TestBackend newBackend();

  @BeforeEach
  void openDatabase() {
    backend = newBackend();
    database = backend.open();
    clock = new MutableClock(START);
    masterKey = MasterKey.generate();
  }

  @AfterEach
  void closeDatabase() {
    try {
      if (database != null) {
        database.close();
      }
    } finally {
      backend.close();
    }
  }

  CredentialStore newStore() {
    return new CredentialStore(database, new SecretBox(masterKey), clock);
  }

  SigningKeyStore newSigningKeys() {
    return new SigningKeyStore(database, new SecretBox(masterKey), clock);
  }

  OAuthClientStore newOAuthStore() {
    return new OAuthClientStore(database, clock);
  }

  /** Every cell of every row of a table, as text: for "this value is stored nowhere" checks. */
  static List<String> cells(Database database, String table) {
    try (Connection connection = database.dataSource().getConnection();
        PreparedStatement query = connection.prepareStatement("SELECT * FROM " + table);
        ResultSet rows = query.executeQuery()) {
      ResultSetMetaData meta = rows.getMetaData();
      List<String> cells = new ArrayList<>();
      while (rows.next()) {
        for (int column = 1; column <= meta.getColumnCount(); column++) {
          cells.add(rows.getString(column));
        }
      }
      return cells;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static long count(Database database, String sql) {
    try (Connection connection = database.dataSource().getConnection();
        PreparedStatement query = connection.prepareStatement(sql);
        ResultSet row = query.executeQuery()) {
      row.next();
      return row.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static int update(Database database, String sql, String... parameters) {
    try (Connection connection = database.dataSource().getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setString(i + 1, parameters[i]);
      }
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
