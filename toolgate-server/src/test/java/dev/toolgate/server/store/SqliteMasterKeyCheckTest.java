package dev.toolgate.server.store;

/** {@link MasterKeyCheckContract} on SQLite (a file in a temporary directory). */
class SqliteMasterKeyCheckTest extends MasterKeyCheckContract {
  @Override
  TestBackend newBackend() {
    return new SqliteBackend();
  }
}
