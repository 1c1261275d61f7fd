package dev.toolgate.server.store;

/** {@link MasterKeyRotationContract} on PostgreSQL (a fresh random schema). */
class PostgresMasterKeyRotationTest extends MasterKeyRotationContract {
  @Override
  TestBackend newBackend() {
    return new PostgresBackend();
  }
}
