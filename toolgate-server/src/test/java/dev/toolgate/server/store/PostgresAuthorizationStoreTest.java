package dev.toolgate.server.store;

/** {@link AuthorizationStoreContract} on PostgreSQL (a fresh random schema). */
class PostgresAuthorizationStoreTest extends AuthorizationStoreContract {
  @Override
  TestBackend newBackend() {
    return new PostgresBackend();
  }
}
