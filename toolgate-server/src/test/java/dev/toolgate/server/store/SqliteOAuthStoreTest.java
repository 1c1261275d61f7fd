package dev.toolgate.server.store;

/** {@link OAuthStoreContract} on SQLite (a file in a temporary directory). */
class SqliteOAuthStoreTest extends OAuthStoreContract {
  @Override
  TestBackend newBackend() {
    return new SqliteBackend();
  }
}
