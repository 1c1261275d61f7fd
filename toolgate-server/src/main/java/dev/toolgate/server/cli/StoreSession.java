package dev.toolgate.server.cli;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.server.store.AuditLog;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.MasterKeys;
import dev.toolgate.server.store.SecretBox;
import dev.toolgate.server.store.MasterKeyCheck;
import java.time.Clock;

/**
 * The store a CLI command works on, opened from the configuration and closed after the command.
 * Every command that opens it refuses a master key that is not the store's.
 */
final class StoreSession implements AutoCloseable {
  final Database database;
  /** The store's master keys, checked against its check value (see {@link MasterKeyCheck}); the previous one only during a rotation. */
  final MasterKeys masterKeys;
  /** Seals under the current key, opens under either. */
  final SecretBox box;
  final CredentialStore credentials;
  final AuditLog audit;

  StoreSession(GatewayConfig config) {
    database = Database.open(config.store());
    try {
      masterKeys = MasterKeyCheck.keyFor(database, config.store());
      box = masterKeys.box();
      credentials = new CredentialStore(database, box, Clock.systemUTC());
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
