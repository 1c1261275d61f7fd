package dev.toolgate.server.store;

/** {@link StorageAtRestContract} on PostgreSQL (a fresh random schema). */
class PostgresStorageAtRestTest extends StorageAtRestContract {
  @Override
  TestBackend newBackend() {
    return new PostgresBackend();
  }
}
