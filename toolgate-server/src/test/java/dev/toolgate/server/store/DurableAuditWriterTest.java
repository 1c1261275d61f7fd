package dev.toolgate.server.store;

import static dev.toolgate.server.store.AuditWriterTest.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.config.AuditDurability;
import dev.toolgate.core.config.AuditSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit.durability: durable}: a record's future completes only once its batch is committed
 * (or, the store failing, its spill file synced), concurrent records share a commit, and a record that
 * can be kept neither way fails its future. Against a real SQLite file.
 */
class DurableAuditWriterTest {
  @TempDir Path dir;
  private Database database;
  private AuditLog log;
  /** Request ids whose transaction has committed (added after appendBatch returned). */
  private final Set<String> committed = ConcurrentHashMap.newKeySet();
  private final List<Integer> batches = Collections.synchronizedList(new ArrayList<>());
  /** Store writes still to fail. */
  private final AtomicInteger failuresLeft = new AtomicInteger();
  /** When set, the next store write hangs until it is counted down (a store that neither commits nor fails). */
  private volatile CountDownLatch hangNext;

  @BeforeEach
  void open() {
    database = Database.openSqlite(dir.resolve("toolgate.db"));
    log = new AuditLog(database);
  }

  @AfterEach
  void close() {
    database.close();
  }

  private AuditWriter writer(int batchSize, Duration batchDelay, long spillMaxBytes) {
    AuditWriter.Target target = events -> {
      CountDownLatch hang = hangNext;
      if (hang != null) {
        hangNext = null;
        awaitQuietly(hang);
      }
      if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new StoreException("append audit events failed: the store is down (test)");
      }
      log.appendBatch(events);
      events.forEach(e -> committed.add(e.requestId()));
      batches.add(events.size());
    };
    AuditSettings settings = new AuditSettings(batchSize, Duration.ofMillis(200)).withSpill(10_000, null, spillMaxBytes)
        .withDurability(AuditDurability.DURABLE, batchDelay);
    return new AuditWriter(target, settings, dir.resolve("spill"), Duration.ofSeconds(10));
  }

  @Test
  void aFutureCompletesOnlyOnceItsRecordIsCommitted() throws Exception {
    List<String> early = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<Void>> all = Collections.synchronizedList(new ArrayList<>());
    try (AuditWriter writer = writer(64, Duration.ofMillis(2), 1L << 20)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        Thread recorder = new Thread(() -> {
          awaitQuietly(start);
          for (int i = 0; i < 100; i++) {
            String id = "t" + thread + "-" + i;
            CompletableFuture<Void> kept = writer.recordBeforeAnswer(event(id));
            all.add(kept.whenComplete((ok, failure) -> {
              if (!committed.contains(id)) {
                early.add(id);
              }
            }));
          }
        });
        recorder.start();
        threads.add(recorder);
      }
      start.countDown();
      for (Thread t : threads) {
        t.join();
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
    }
    assertThat(early).as("futures completed before their record was committed").isEmpty();
    assertThat(StoreTestBase.count(database, "SELECT COUNT(*) FROM audit_events")).isEqualTo(800);
    assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(800);
    assertThat(batches).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(64));
  }

  @Test
  void aFullBatchClosesAtOnceAndSharesOneCommit() throws Exception {
    try (AuditWriter writer = writer(50, Duration.ofHours(1), 1L << 20)) {
      List<CompletableFuture<Void>> kept = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        kept.add(writer.recordBeforeAnswer(event("r" + i)));
      }
      CompletableFuture.allOf(kept.toArray(CompletableFuture[]::new)).get();
      assertThat(batches).as("one transaction for the 50, without waiting out the hour").containsExactly(50);
    }
  }

  @Test
  void aLoneRecordIsCommittedAfterTheBatchDelayWithoutBeingAsked() throws Exception {
    try (AuditWriter writer = writer(500, Duration.ofMillis(20), 1L << 20)) {
      writer.recordBeforeAnswer(event("lonely")).get();
      assertThat(committed).contains("lonely");
      assertThat(log.find("lonely")).isPresent();
    }
  }

  @Test
  void whileTheStoreFailsRecordsAreSpilledAndSyncedBeforeTheirFuturesCompleteThenWritten() throws Exception {
    failuresLeft.set(3);
    try (AuditWriter writer = writer(10, Duration.ofMillis(2), 1L << 20)) {
      List<CompletableFuture<Void>> kept = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        kept.add(writer.recordBeforeAnswer(event("r" + i)));
      }
      CompletableFuture.allOf(kept.toArray(CompletableFuture[]::new)).get();
      writer.flush();
      assertThat(writer.dropped()).isZero();
      assertThat(writer.spooledBytes()).as("a flush that returns has the spill files replayed").isZero();
      assertThat(writer.health()).isEqualTo(AuditHealth.OK);
    }
    assertThat(StoreTestBase.count(database, "SELECT COUNT(*) FROM audit_events")).as("replayed from the spill file").isEqualTo(30);
    assertThat(AuditSpoolTest.spillFiles(dir.resolve("spill"))).as("replayed files are deleted").isEmpty();
  }

  @Test
  void aBatchSpilledWhileItsWriteHangsAndThenCommittedCountsOnceAsWritten() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    hangNext = release;
    try (AuditWriter writer = writer(10, Duration.ofMillis(2), 1L << 20)) {
      List<CompletableFuture<Void>> kept = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        kept.add(writer.recordBeforeAnswer(event("h" + i)));
      }
      // The write hangs: after the writer's patience the batch is spilled, and its calls may be answered.
      CompletableFuture.allOf(kept.toArray(CompletableFuture[]::new)).get();
      assertThat(committed).as("answered from the spill file, not the store").isEmpty();
      release.countDown(); // the hung write commits after all; the spilled copy is replayed too
      writer.flush();
      assertThat(committed).hasSize(10);
      assertThat(batches).as("written twice: the hung write and the replayed copy").hasSize(2);
      assertThat(writer.written()).as("toolgate.audit.records.written counts each record once").isEqualTo(10);
      assertThat(writer.spooledBytes()).isZero();
    }
    assertThat(StoreTestBase.count(database, "SELECT COUNT(*) FROM audit_events")).isEqualTo(10);
  }

  @Test
  void aRecordKeptNeitherInTheStoreNorOnDiskFailsItsFuture() {
    failuresLeft.set(Integer.MAX_VALUE);
    try (AuditWriter writer = writer(10, Duration.ofMillis(2), 1)) { // no record fits in one byte of spill
      CompletableFuture<Void> kept = writer.recordBeforeAnswer(event("nowhere"));
      assertThatThrownBy(kept::get).isInstanceOf(ExecutionException.class).cause().isInstanceOf(StoreException.class)
          .hasMessageContaining("could not be kept");
      assertThat(writer.dropped()).isEqualTo(1);
      assertThat(writer.health()).isEqualTo(AuditHealth.LOSING);
    }
  }

  @Test
  void aRecordAfterCloseFailsItsFuture() {
    AuditWriter writer = writer(10, Duration.ofMillis(2), 1L << 20);
    writer.close();
    assertThat(writer.recordBeforeAnswer(event("late"))).isCompletedExceptionally();
    assertThat(writer.dropped()).isEqualTo(1);
  }

  @Test
  void asyncModeCompletesAtOnceAndWritesAfterwards() {
    AuditSettings async = new AuditSettings(500, Duration.ofHours(1));
    try (AuditWriter writer = new AuditWriter(log, async, dir.resolve("spill"))) {
      assertThat(writer.recordBeforeAnswer(event("quick"))).isCompleted();
      assertThat(log.find("quick")).as("not written yet: the flush interval is an hour").isEmpty();
      writer.flush();
      assertThat(log.find("quick")).isPresent();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
