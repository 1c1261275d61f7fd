package dev.toolgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.config.StoreSettings;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.ClientRecord;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SQLite specifics: pragmas on every pooled connection, and two processes sharing one file. */
class SqliteDatabaseTest {
  private final SqliteBackend backend = new SqliteBackend();

  @AfterEach
  void cleanUp() {
    backend.close();
  }

  @Test
  void everyPooledConnectionHasTheSafetyPragmas() throws SQLException {
    try (Database database = backend.open()) {
      List<Connection> held = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          Connection connection = database.dataSource().getConnection(); // all different: none returned yet
          held.add(connection);
          assertThat(pragma(connection, "journal_mode")).isEqualTo("wal");
          assertThat(pragma(connection, "synchronous")).isEqualTo("2"); // FULL
          assertThat(pragma(connection, "busy_timeout")).isEqualTo("5000");
          assertThat(pragma(connection, "foreign_keys")).isEqualTo("1");
        }
      } finally {
        for (Connection connection : held) {
          connection.close();
        }
      }
    }
  }

  @Test
  void openedThroughSettings() {
    StoreSettings settings = new StoreSettings(StoreSettings.Kind.SQLITE, backend.file().toString(), null, null, null, null);
    try (Database database = Database.open(settings)) {
      assertThat(database.kind()).isEqualTo(StoreSettings.Kind.SQLITE);
      assertThat(database.target()).contains("SQLite").contains(backend.file().toString());
    }
  }

  @Test
  void twoDatabaseInstancesOnOneFileSeeEachOthersWrites() throws Exception {
    MasterKey key = MasterKey.generate();
    try (Database server = backend.open(); Database cli = backend.open()) {
      CredentialStore serverStore = new CredentialStore(server, key);
      CredentialStore cliStore = new CredentialStore(cli, key);
      CredentialCache cache = new CredentialCache(serverStore);

      ClientRecord client = cliStore.createClient("made-by-cli", "sendbird");
      cliStore.addSigningSecret(client.id(), new byte[] {4, 2}, null);

      assertThat(serverStore.findClient("made-by-cli")).contains(client);
      assertThat(cache.refreshIfChanged()).isTrue();
      assertThat(cache.signingSecrets("sendbird")).singleElement().satisfies(s -> assertThat(s.key()).isEqualTo(new byte[] {4, 2}));

      serverStore.setClientEnabled(client.id(), false);
      assertThat(cliStore.findClient(client.id()).orElseThrow().enabled()).isFalse();

      // Both write at once: the busy timeout makes one wait for the other instead of failing.
      AuditLog serverLog = new AuditLog(server);
      AuditLog cliLog = new AuditLog(cli);
      CompletableFuture<Void> a = CompletableFuture.runAsync(() -> writeMany(serverLog, "server"));
      CompletableFuture<Void> b = CompletableFuture.runAsync(() -> writeMany(cliLog, "cli"));
      CompletableFuture<Void> c = CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 20; i++) {
          cliStore.createClient("client-" + i, "asapp");
        }
      });
      CompletableFuture.allOf(a, b, c).get();
      assertThat(StoreTestBase.count(server, "SELECT COUNT(*) FROM audit_events")).isEqualTo(2 * 50 * 20);
      assertThat(serverStore.listClients()).hasSize(21);
    }
  }

  private static void writeMany(AuditLog log, String prefix) {
    for (int batch = 0; batch < 50; batch++) {
      List<AuditEvent> events = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        events.add(new AuditEvent(Instant.now(), prefix + "-" + batch + "-" + i, "GET", "/", null, null, null, List.of(), "allow", "ok", 200, 1, null));
      }
      log.appendBatch(events);
    }
  }

  @Test
  void anUnopenableFileIsAClearError() {
    var missing = backend.directory().resolve("no-such-dir").resolve("toolgate.db");
    assertThatThrownBy(() -> Database.openSqlite(missing))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot open SQLite database")
        .hasMessageContaining(missing.toString());
  }

  private static String pragma(Connection connection, String name) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery("PRAGMA " + name)) {
      row.next();
      return row.getString(1);
    }
  }
}
