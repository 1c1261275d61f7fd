package dev.toolgate.server.store;

import static dev.toolgate.server.store.AuditSpoolTest.events;
import static dev.toolgate.server.store.AuditSpoolTest.spillFiles;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.AuditSettings;
import dev.toolgate.core.port.AuditEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spill directory as other local users and a damaged or edited file see it: records are the
 * owner's alone, and no line, however odd, stops the writer from writing the rest.
 */
@Timeout(60)
class AuditSpillHostileTest {
  private static final AuditSettings SETTINGS = new AuditSettings(25, Duration.ofMillis(5));

  @TempDir Path dir;

  @Test
  void spillFilesAndTheDirectoryToolgateMakesAreReadableByTheirOwnerAlone() throws IOException {
    Path spill = dir.resolve("audit-spill");
    try (AuditSpool spool = AuditSpool.open(spill, 1L << 20)) {
      spool.append(events("secret-", 3)); // client ids, addresses, user ids in traces: not for other local users
      Path file = spool.appendingTo();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(spill))).isEqualTo("rwx------");
    }
  }

  /** A spill file left by an earlier run: {@code good} records and, between them, one line the store cannot take. */
  private Path spilledWith(String poisonLine, List<AuditEvent> good) throws IOException {
    Path spill = dir.resolve("spill");
    try (AuditSpool earlier = AuditSpool.open(spill, 1L << 20)) {
      earlier.append(good.subList(0, 2));
    }
    Path file = spillFiles(spill).get(0);
    Files.write(file, (poisonLine + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
    for (AuditEvent event : good.subList(2, good.size())) {
      Files.write(file, AuditJsonLine.encode(event), StandardOpenOption.APPEND);
    }
    return spill;
  }

  private void assertTheRestIsWritten(Database database, Path spill, int good) {
    AuditLog log = new AuditLog(database);
    AuditWriter writer = new AuditWriter(log, SETTINGS, spill);
    try {
      assertThat(writer.flush(Duration.ofSeconds(10))).as("the writer gets past the line instead of retrying it forever").isTrue();
    } finally {
      writer.close();
    }
    assertThat(StoreTestBase.count(database, "SELECT COUNT(*) FROM audit_events")).isEqualTo(good);
    assertThat(writer.dropped()).as("the line is counted as lost").isEqualTo(1);
    assertThat(spillFiles(spill)).isEmpty();
  }

  @Test
  void aLineWithATimeNoStoreCanHoldIsSkippedAndTheRestWritten() throws IOException {
    List<AuditEvent> good = events("ok-", 5);
    Path spill = spilledWith("{\"time\":\"+1000000000-12-31T23:59:59Z\",\"request_id\":\"req_far_future\",\"status\":200,"
        + "\"latency_micros\":1,\"credential_ids\":[],\"trace\":[]}", good);
    try (Database database = Database.openSqlite(dir.resolve("toolgate.db"))) {
      assertTheRestIsWritten(database, spill, good.size());
    }
  }

  @Test
  void aLineWithARequestIdTooLongForThePostgresIndexIsSkippedAndTheRestWritten() throws IOException {
    List<AuditEvent> good = events("ok-", 5);
    // Random characters do not compress: past about 2.7 kB a btree entry is refused ("index row size exceeds").
    StringBuilder id = new StringBuilder("req_");
    java.util.Random random = new java.util.Random(7);
    while (id.length() < 9000) {
      id.append(Integer.toString(random.nextInt(36), 36));
    }
    Path spill = spilledWith("{\"time\":\"2026-01-15T10:00:00Z\",\"request_id\":\"" + id + "\",\"status\":200,"
        + "\"latency_micros\":1,\"credential_ids\":[],\"trace\":[]}", good);
    try (PostgresBackend backend = new PostgresBackend(); Database database = backend.open()) {
      assertTheRestIsWritten(database, spill, good.size());
    }
  }
  /**
   * A client id as long as the authorization server accepts (a Client ID Metadata Document URL of
   * 2048 characters) is stored when the store takes the record at once; spilled during an outage, it
   * must be written from the spill file too, not skipped as a line no store could take.
   */
  @Test
  void aRecordWithTheLongestClientIdUrlIsWrittenFromTheSpillFile() throws IOException {
    StringBuilder url = new StringBuilder("https://agent.example/");
    java.util.Random random = new java.util.Random(11);
    while (url.length() < dev.toolgate.server.oauth.client.ClientIdUrl.MAX_LENGTH) {
      url.append(Integer.toString(random.nextInt(36), 36)); // random: no compression makes the index entry smaller
    }
    AuditEvent longClient = new AuditEvent(java.time.Instant.parse("2026-01-15T10:00:00Z"), "req_long_client", "GET", "/oauth/authorize",
        "10.0.0.1", null, url.toString(), List.of(), "deny", "invalid_authorization_request", 400, 1, "redirect_uri not registered");
    Path spill = dir.resolve("spill");
    try (AuditSpool earlier = AuditSpool.open(spill, 1L << 20)) {
      earlier.append(List.of(longClient));
    }
    try (PostgresBackend backend = new PostgresBackend(); Database database = backend.open()) {
      AuditWriter writer = new AuditWriter(new AuditLog(database), SETTINGS, spill);
      try {
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
      } finally {
        writer.close();
      }
      assertThat(writer.dropped()).as("nothing lost").isZero();
      assertThat(new AuditLog(database).find("req_long_client")).hasValueSatisfying(e -> assertThat(e.clientId()).isEqualTo(url.toString()));
    }
  }
}
