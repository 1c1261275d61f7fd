package dev.toolgate.server.cli;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.server.store.AuditLog;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.MasterKey;
import java.time.Clock;

/** The store a CLI command works on, opened from the configuration and closed after the command. */
final class StoreSession implements AutoCloseable {
  final Database database;
  final CredentialStore credentials;
  final AuditLog audit;

  StoreSession(GatewayConfig config) {
    database = Database.open(config.store());
    try {
      credentials = new CredentialStore(database, MasterKey.load(config.store()), Clock.systemUTC());
      audit = new AuditLog(database);
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  @Override
  public void close() {
    database.close();
  }
}
