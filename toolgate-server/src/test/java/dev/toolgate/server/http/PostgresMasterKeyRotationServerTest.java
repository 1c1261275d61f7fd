package dev.toolgate.server.http;

import dev.toolgate.server.users.PostgresSchema;
import java.nio.file.Path;

/** {@link MasterKeyRotationServerContract} on PostgreSQL: a fresh random schema the servers and the CLI share, dropped afterwards. */
class PostgresMasterKeyRotationServerTest extends MasterKeyRotationServerContract {
  private PostgresSchema schema;

  @Override
  String storeLines(Path dir) {
    schema = PostgresSchema.create("toolgate_rotation_test");
    return schema.storeLines();
  }

  @Override
  void dropStore() {
    if (schema != null) {
      schema.close();
    }
  }
}
