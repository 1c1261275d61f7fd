package dev.toolgate.server.store;

/** {@link AuthorizationStoreConcurrencyContract} on PostgreSQL (a fresh random schema). */
class PostgresAuthorizationStoreConcurrencyTest extends AuthorizationStoreConcurrencyContract {
  @Override
  TestBackend newBackend() {
    return new PostgresBackend();
  }
}
