package dev.toolgate.server.admin;

import dev.toolgate.server.users.TestDb;

/** {@link AdminTokenStoreContract} on SQLite. */
class SqliteAdminTokenStoreTest extends AdminTokenStoreContract {
  @Override
  TestDb newDb() {
    return TestDb.sqlite();
  }
}
