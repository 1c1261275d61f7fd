package dev.toolgate.server.store;

/** {@link SigningKeyStoreContract} on SQLite (a file in a temporary directory). */
class SqliteSigningKeyStoreTest extends SigningKeyStoreContract {
  @Override
  TestBackend newBackend() {
    return new SqliteBackend();
  }
}
