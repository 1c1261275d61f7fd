package dev.toolgate.server.users;

/** {@link UserStoreContract} on SQLite (a file in a temporary directory). */
class SqliteUserStoreTest extends UserStoreContract {
  @Override
  TestDb newDb() {
    return TestDb.sqlite();
  }
}
