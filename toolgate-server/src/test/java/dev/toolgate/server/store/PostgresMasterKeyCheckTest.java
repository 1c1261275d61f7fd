package dev.toolgate.server.store;

/** {@link MasterKeyCheckContract} on PostgreSQL (a fresh random schema). */
class PostgresMasterKeyCheckTest extends MasterKeyCheckContract {
  @Override
  TestBackend newBackend() {
    return new PostgresBackend();
  }
}
