package dev.toolgate.server.store;

/** {@link StorageAtRestContract} on SQLite (a file in a temporary directory). */
class SqliteStorageAtRestTest extends StorageAtRestContract {
  @Override
  TestBackend newBackend() {
    return new SqliteBackend();
  }
}
