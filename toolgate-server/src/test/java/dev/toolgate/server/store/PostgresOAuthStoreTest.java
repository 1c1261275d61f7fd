package dev.toolgate.server.store;

/** {@link OAuthStoreContract} on PostgreSQL (a fresh random schema). */
class PostgresOAuthStoreTest extends OAuthStoreContract {
  @Override
  TestBackend newBackend() {
    return new PostgresBackend();
  }
}
