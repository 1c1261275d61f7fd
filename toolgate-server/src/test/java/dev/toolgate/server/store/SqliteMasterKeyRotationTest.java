package dev.toolgate.server.store;

/** {@link MasterKeyRotationContract} on SQLite (a file in a temporary directory). */
class SqliteMasterKeyRotationTest extends MasterKeyRotationContract {
  @Override
  TestBackend newBackend() {
    return new SqliteBackend();
  }
}
