package dev.toolgate.server.cli;

/** {@link MasterKeyRotationCliContract} on the default store: SQLite next to the configuration. */
class SqliteMasterKeyRotationCliTest extends MasterKeyRotationCliContract {
  @Override
  String storeLines() {
    return "";
  }
}
