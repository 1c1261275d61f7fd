package dev.toolgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.config.AuditSettings;
import dev.toolgate.core.port.AuditEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batching, flushing and closing of the writer while the store (a real SQLite file) answers. Outages: {@link AuditOutageTest}. */
class AuditWriterTest {
  private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");

  @TempDir Path dir;
  private Database database;
  private AuditLog log;
  /** Sizes of the batches that reached the store, in order. */
  private final List<Integer> batches = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void open() {
    database = Database.openSqlite(dir.resolve("toolgate.db"));
    log = new AuditLog(database);
  }

  @AfterEach
  void close() {
    database.close();
  }

  static AuditEvent event(String id) {
    return new AuditEvent(T, id, "GET", "/", null, null, null, List.of(), "deny", "x", 401, 1, null);
  }

  private AuditWriter writer(int batchSize, Duration interval) {
    AuditWriter.Target observed = events -> {
      log.appendBatch(events);
      batches.add(events.size());
    };
    return new AuditWriter(observed, new AuditSettings(batchSize, interval), dir.resolve("spill"), Duration.ofSeconds(10));
  }

  private long stored() {
    return StoreTestBase.count(database, "SELECT COUNT(*) FROM audit_events");
  }

  @Test
  void batchesNeverExceedTheBatchSizeAndCloseWritesEverything() {
    AuditWriter writer = writer(7, Duration.ofMillis(5));
    for (int i = 0; i < 100; i++) {
      writer.record(event("r" + i));
    }
    writer.close();
    assertThat(batches).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(7));
    assertThat(stored()).isEqualTo(100);
    assertThat(writer.written()).isEqualTo(100);
    assertThat(writer.health()).isEqualTo(AuditHealth.OK);
    assertThat(dir.resolve("spill")).as("nothing spilled, no directory made").doesNotExist();
  }

  @Test
  void writesWithinTheFlushIntervalWithoutBeingAsked() throws InterruptedException {
    try (AuditWriter writer = writer(500, Duration.ofMillis(50))) {
      writer.record(event("lonely"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (log.find("lonely").isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(log.find("lonely")).isPresent();
    }
  }

  @Test
  void flushWaitsForEarlierEvents() {
    try (AuditWriter writer = writer(500, Duration.ofHours(1))) {
      writer.record(event("a"));
      writer.record(event("b"));
      writer.flush();
      assertThat(log.find("a")).isPresent();
      assertThat(log.find("b")).isPresent();
    }
  }

  @Test
  void eventsAfterCloseAreCountedNotThrown() {
    AuditWriter writer = writer(10, Duration.ofMillis(5));
    writer.close();
    writer.record(event("late"));
    writer.flush();
    writer.close();
    assertThat(writer.dropped()).isEqualTo(1);
    assertThat(log.find("late")).isEmpty();
  }

  @Test
  void refusesEventsThatCannotBeStored() {
    try (AuditWriter writer = writer(10, Duration.ofMillis(5))) {
      assertThatThrownBy(() -> writer.record(new AuditEvent(T, null, "GET", "/", null, null, null, List.of(), "deny", "x", 401, 1, null)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> writer.record(new AuditEvent(null, "r", "GET", "/", null, null, null, List.of(), "deny", "x", 401, 1, null)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aBurstBeyondTheBufferGoesThroughTheSpillFileInOrder() {
    AuditSettings tiny = new AuditSettings(50, Duration.ofMillis(5)).withSpill(10, null, 1L << 20);
    AuditWriter.Target observed = events -> {
      log.appendBatch(events);
      synchronized (batches) {
        events.forEach(e -> batches.add(Integer.parseInt(e.requestId().substring(1))));
      }
    };
    AuditWriter writer = new AuditWriter(observed, tiny, dir.resolve("spill"), Duration.ofSeconds(10));
    for (int i = 0; i < 2_000; i++) {
      writer.record(event("r" + i));
    }
    writer.close();
    assertThat(stored()).isEqualTo(2_000);
    assertThat(batches).as("written in the order recorded").isSorted().hasSize(2_000);
    assertThat(writer.dropped()).isZero();
    assertThat(AuditSpoolTest.spillFiles(dir.resolve("spill"))).as("replayed files are deleted").isEmpty();
  }
}
