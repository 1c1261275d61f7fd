package dev.toolgate.server.store;

/** {@link SigningKeyStoreContract} on PostgreSQL (a fresh random schema). */
class PostgresSigningKeyStoreTest extends SigningKeyStoreContract {
  @Override
  TestBackend newBackend() {
    return new PostgresBackend();
  }
}
