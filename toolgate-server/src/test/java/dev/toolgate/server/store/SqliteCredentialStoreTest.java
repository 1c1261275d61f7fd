package dev.toolgate.server.store;

/** {@link CredentialStoreContract} on SQLite (a file in a temporary directory). */
class SqliteCredentialStoreTest extends CredentialStoreContract {
  @Override
  TestBackend newBackend() {
    return new SqliteBackend();
  }
}
