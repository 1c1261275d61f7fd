package dev.toolgate.server.http;

import java.nio.file.Path;

/** {@link MasterKeyRotationServerContract} on SQLite: one database file the servers and the CLI share. */
class SqliteMasterKeyRotationServerTest extends MasterKeyRotationServerContract {
  @Override
  String storeLines(Path dir) {
    return "  path: " + dir.resolve("toolgate.db") + "\n";
  }
}
