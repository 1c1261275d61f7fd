package dev.toolgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.config.StoreSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PostgreSQL specifics: opening from settings and clear, password-free connection errors. */
class PostgresDatabaseTest {
  @Test
  void unreachableServerNamesBackendAndTargetButNoPassword() {
    String url = "jdbc:postgresql://127.0.0.1:1/toolgate?password=hunter2secret&connectTimeout=2";
    StoreSettings settings = new StoreSettings(StoreSettings.Kind.POSTGRESQL, null, url, "toolgate", "TG_DB_PASSWORD", null);

    assertThatThrownBy(() -> Database.open(settings, Map.of("TG_DB_PASSWORD", "correct-horse-battery")::get))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot open PostgreSQL database jdbc:postgresql://127.0.0.1:1/toolgate")
        .hasMessageContaining("as user toolgate")
        .hasMessageNotContaining("hunter2secret")
        .hasMessageNotContaining("correct-horse-battery");
  }

  @Test
  void missingPasswordVariableIsAClearError() {
    StoreSettings settings = new StoreSettings(StoreSettings.Kind.POSTGRESQL, null, PostgresBackend.URL, "postgres", "TG_DB_PASSWORD", null);
    assertThatThrownBy(() -> Database.open(settings, Map.<String, String>of()::get))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("store.password_env: the environment variable it names is not set")
        .hasMessageNotContaining("TG_DB_PASSWORD")
        .hasMessageNotContaining("passwordEnv");
  }

  @Test
  void rejectsANonPostgresUrl() {
    StoreSettings settings = new StoreSettings(StoreSettings.Kind.POSTGRESQL, null, "jdbc:mysql://x/y", null, null, null);
    assertThatThrownBy(() -> Database.open(settings)).isInstanceOf(StoreException.class).hasMessageContaining("jdbc:postgresql:");
  }

  @Test
  void opensFromSettingsInTheDefaultSchema() {
    // currentSchema in the URL is how a deployment picks a schema; here a throwaway one.
    PostgresBackend backend = new PostgresBackend();
    try {
      String url = PostgresBackend.URL + "?currentSchema=" + backend.schema();
      try (Database schemaCreator = backend.open()) {
        assertThat(schemaCreator.kind()).isEqualTo(StoreSettings.Kind.POSTGRESQL);
      }
      StoreSettings settings = new StoreSettings(StoreSettings.Kind.POSTGRESQL, null, url, PostgresBackend.USER, null, null);
      try (Database database = Database.open(settings)) {
        assertThat(new CredentialStore(database, MasterKey.generate()).revision()).isZero();
        assertThat(database.target()).contains("PostgreSQL").contains(backend.schema());
      }
    } finally {
      backend.close();
    }
  }
}
