package dev.toolgate.server.cli;

import dev.toolgate.server.users.PostgresSchema;
import org.junit.jupiter.api.AfterEach;

/** {@link MasterKeyCliContract} on PostgreSQL: a fresh random schema of the test database, dropped afterwards. */
class PostgresMasterKeyCliTest extends MasterKeyCliContract {
  private PostgresSchema schema;

  @Override
  String storeSection() {
    schema = PostgresSchema.create("toolgate_cli_test");
    return "store:\n" + schema.storeLines();
  }

  @AfterEach
  void dropSchema() {
    if (schema != null) {
      schema.close();
    }
  }
}
