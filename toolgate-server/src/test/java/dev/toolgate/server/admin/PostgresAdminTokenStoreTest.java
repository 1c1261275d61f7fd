package dev.toolgate.server.admin;

import dev.toolgate.server.users.TestDb;

/** {@link AdminTokenStoreContract} on PostgreSQL. */
class PostgresAdminTokenStoreTest extends AdminTokenStoreContract {
  @Override
  TestDb newDb() {
    return TestDb.postgres();
  }
}
