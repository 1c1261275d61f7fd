package dev.toolgate.server.cli;

/** {@link MasterKeyCliContract} on the default store: SQLite next to the configuration. */
class SqliteMasterKeyCliTest extends MasterKeyCliContract {
  @Override
  String storeSection() {
    return "";
  }
}
