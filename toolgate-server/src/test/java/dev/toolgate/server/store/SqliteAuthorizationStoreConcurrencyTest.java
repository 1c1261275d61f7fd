package dev.toolgate.server.store;

/** {@link AuthorizationStoreConcurrencyContract} on SQLite (a file in a temporary directory). */
class SqliteAuthorizationStoreConcurrencyTest extends AuthorizationStoreConcurrencyContract {
  @Override
  TestBackend newBackend() {
    return new SqliteBackend();
  }
}
