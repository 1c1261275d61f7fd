package dev.toolgate.server.cli;

import dev.toolgate.server.users.PostgresSchema;
import org.junit.jupiter.api.AfterEach;

/** {@link MasterKeyRotationCliContract} on PostgreSQL: a fresh random schema of the test database, dropped afterwards. */
class PostgresMasterKeyRotationCliTest extends MasterKeyRotationCliContract {
  private PostgresSchema schema;

  @Override
  String storeLines() {
    schema = PostgresSchema.create("toolgate_cli_test");
    return schema.storeLines();
  }

  @AfterEach
  void dropSchema() {
    if (schema != null) {
      schema.close();
    }
  }
}
