package dev.toolgate.server.store;

import dev.toolgate.core.config.StoreSettings;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A place for one test's database that can be opened several times (to test reopening and two
 * processes sharing it) and is removed afterwards.
 */
interface TestBackend extends AutoCloseable {
  StoreSettings.Kind kind();

  /** Opens (and migrates) the test's database; each call is a new pool on the same data. */
  Database open();

  /** Applies the migrations up to and including {@code version} only, without opening a {@link Database}. */
  void migrateTo(String version);

  /** A plain connection to the test's database (autocommit), for writing rows by hand. */
  Connection connect() throws SQLException;

  /** Removes the database. */
  @Override
  void close();
}
