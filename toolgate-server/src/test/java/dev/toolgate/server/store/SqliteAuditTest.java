package dev.toolgate.server.store;

/** {@link AuditContract} on SQLite (a file in a temporary directory). */
class SqliteAuditTest extends AuditContract {
  @Override
  TestBackend newBackend() {
    return new SqliteBackend();
  }
}
