package dev.toolgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.config.AuditSettings;
import dev.toolgate.core.decision.Check;
import dev.toolgate.core.port.AuditEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spill files on a real disk, replayed by the writer into a real SQLite store: what a restart finds
 * is written in order and deleted, a replay after a partial write adds no duplicate, a torn line is
 * skipped and counted, a file another writer holds is left alone, the size bound holds.
 */
class AuditSpoolTest {
  private static final Instant T = Instant.parse("2026-01-15T10:00:00.123Z");
  private static final AuditSettings SETTINGS = new AuditSettings(25, Duration.ofMillis(5));

  @TempDir Path dir;
  private Path spill;
  private Database database;
  private AuditLog log;

  @BeforeEach
  void open() {
    spill = dir.resolve("spill");
    database = Database.openSqlite(dir.resolve("toolgate.db"));
    log = new AuditLog(database);
  }

  @AfterEach
  void close() {
    database.close();
  }

  static List<Path> spillFiles(Path spillDir) {
    if (!Files.isDirectory(spillDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(spillDir)) {
      return files.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<AuditEvent> events(String prefix, int n) {
    List<AuditEvent> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new AuditEvent(T.plusMillis(i), prefix + i, "POST", "/tools/t", "10.0.0.1", "t", "cl_1", List.of("tok_a"),
          i % 2 == 0 ? "allow" : "deny", i % 2 == 0 ? "ok" : "token_invalid", i % 2 == 0 ? 200 : 401, 10 + i, null,
          List.of(new Check("route", true, "POST /tools/t is tool t"))));
    }
    return out;
  }

  private long stored() {
    return StoreTestBase.count(database, "SELECT COUNT(*) FROM audit_events");
  }

  /** What an earlier run left: a spool that wrote {@code events} and was closed with the store down. */
  private void leftByAnEarlierRun(List<AuditEvent> events) throws IOException {
    try (AuditSpool earlier = AuditSpool.open(spill, 1L << 20)) {
      earlier.append(events);
    }
  }

  @Test
  void everyFieldSurvivesTheRoundTrip() throws IOException {
    AuditEvent odd = new AuditEvent(T, "req-odd", "GET", "/a\0b/é/🙂", null, null, null, List.of(), "deny", "bad_path", 400, 3,
        "quote \" backslash \\ newline \n tab \t </script> \u0001",
        List.of(new Check("path", false, "line one\nline two"), new Check("route", true, null)), "0123456789ab");
    AuditEvent unversioned = new AuditEvent(T.plusMillis(1), "req-plain", "GET", "/a", null, null, null, List.of(), "deny", "bad_path", 400, 3,
        null, List.of());
    try (AuditSpool spool = AuditSpool.open(spill, 1L << 20)) {
      spool.append(List.of(odd, unversioned));
      AuditSpool.Read read = spool.read(10);
      assertThat(read.events()).containsExactly(odd, unversioned);
      assertThat(Files.readAllLines(spool.appendingTo(), StandardCharsets.UTF_8)).as("one line per event").hasSize(2);
    }
  }

  @Test
  void whatAnEarlierRunSpilledIsWrittenAtStartInOrderThenDeleted() throws IOException {
    List<AuditEvent> earlier = events("old-", 120);
    leftByAnEarlierRun(earlier);
    assertThat(spillFiles(spill)).hasSize(1);

    List<String> order = new ArrayList<>();
    AuditWriter.Target observed = batch -> {
      log.appendBatch(batch);
      batch.forEach(e -> order.add(e.requestId()));
    };
    AuditWriter writer = new AuditWriter(observed, SETTINGS, spill, Duration.ofSeconds(10));
    writer.record(events("new-", 1).get(0));
    writer.flush();
    writer.close();

    assertThat(order).startsWith(earlier.stream().map(AuditEvent::requestId).toArray(String[]::new)).endsWith("new-0").hasSize(121);
    assertThat(log.find("old-7")).contains(earlier.get(7));
    assertThat(spillFiles(spill)).isEmpty();
  }

  @Test
  void replayingAfterAPartialWriteAddsNoDuplicate() throws IOException {
    List<AuditEvent> events = events("r", 100);
    log.appendBatch(events.subList(0, 60)); // written before the crash, but the file was not yet acknowledged
    leftByAnEarlierRun(events);

    try (AuditWriter writer = new AuditWriter(log, SETTINGS, spill)) {
      writer.flush();
    }

    assertThat(stored()).isEqualTo(100);
    assertThat(spillFiles(spill)).isEmpty();
  }

  @Test
  void aTornLastLineIsSkippedCountedAndTheRestWritten() throws IOException {
    leftByAnEarlierRun(events("r", 10));
    Path file = spillFiles(spill).get(0);
    Files.write(file, "{\"time\":\"2026-01-15T10:00:00Z\",\"request_id\":\"torn".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

    AuditWriter writer = new AuditWriter(log, SETTINGS, spill);
    writer.flush();
    writer.close();

    assertThat(stored()).isEqualTo(10);
    assertThat(writer.dropped()).isEqualTo(1);
    assertThat(spillFiles(spill)).isEmpty();
  }

  @Test
  void aFileAnotherWriterHoldsIsLeftToIt() throws IOException {
    try (AuditSpool running = AuditSpool.open(spill, 1L << 20)) {
      running.append(events("theirs-", 5));
      try (AuditSpool starting = AuditSpool.open(spill, 1L << 20)) {
        assertThat(starting.isEmpty()).as("held by a running writer").isTrue();
      }
    }
    try (AuditSpool later = AuditSpool.open(spill, 1L << 20)) {
      assertThat(later.isEmpty()).as("its writer stopped: taken over").isFalse();
      assertThat(later.read(100).events()).hasSize(5);
    }
  }

  @Test
  void theSizeBoundHoldsAndNothingOfARefusedAppendIsKept() throws IOException {
    try (AuditSpool spool = AuditSpool.open(spill, 4_096)) {
      spool.append(events("a", 5));
      long before = spool.bytes();
      assertThatThrownBy(() -> spool.append(events("b", 100))).isInstanceOf(IOException.class).hasMessageContaining("spill_max_bytes");
      assertThat(spool.bytes()).isEqualTo(before);
      assertThat(Files.size(spool.appendingTo())).isEqualTo(before);
    }
  }

  @Test
  void aDirectoryThatCannotBeMadeRefusesTheAppend() throws IOException {
    Files.writeString(spill, "a file where the directory should be");
    try (AuditSpool spool = AuditSpool.open(spill, 1L << 20)) {
      assertThatThrownBy(() -> spool.append(events("a", 1))).isInstanceOf(IOException.class);
      assertThat(spool.isEmpty()).isTrue();
    }
  }
}
