package dev.toolgate.server.users;

/** {@link UserStoreContract} on PostgreSQL (a fresh random schema). */
class PostgresUserStoreTest extends UserStoreContract {
  @Override
  TestDb newDb() {
    return TestDb.postgres();
  }
}
