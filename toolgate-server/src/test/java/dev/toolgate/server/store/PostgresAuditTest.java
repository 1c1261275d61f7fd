package dev.toolgate.server.store;

/** {@link AuditContract} on PostgreSQL (a fresh random schema). */
class PostgresAuditTest extends AuditContract {
  @Override
  TestBackend newBackend() {
    return new PostgresBackend();
  }
}
