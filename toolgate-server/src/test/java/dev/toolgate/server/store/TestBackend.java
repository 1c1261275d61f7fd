package dev.toolgate.server.store;

import dev.toolgate.core.config.StoreSettings;

/**
 * A place for one test's database that can be opened several times (to test reopening and two
 * processes sharing it) and is removed afterwards.
 */
interface TestBackend extends AutoCloseable {
  StoreSettings.Kind kind();

  /** Opens (and migrates) the test's database; each call is a new pool on the same data. */
  Database open();

  /** Removes the database. */
  @Override
  void close();
}
