package dev.toolgate.server.store;

/** {@link CredentialStoreContract} on PostgreSQL (a fresh random schema). */
class PostgresCredentialStoreTest extends CredentialStoreContract {
  @Override
  TestBackend newBackend() {
    return new PostgresBackend();
  }
}
