package dev.toolgate.server.store;

/** {@link AuthorizationStoreContract} on SQLite (a file in a temporary directory). */
class SqliteAuthorizationStoreTest extends AuthorizationStoreContract {
  @Override
  TestBackend newBackend() {
    return new SqliteBackend();
  }
}
