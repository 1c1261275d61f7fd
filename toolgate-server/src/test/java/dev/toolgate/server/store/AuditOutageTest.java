package dev.toolgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.AuditSettings;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.server.http.ServerLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit writer against the real PostgreSQL behind a {@link CuttableTcpProxy}: while the proxy is
 * cut, records wait in memory, then in spill files; when it is restored, every one is written, in
 * order, and the files are deleted; a writer closed during the cut leaves its records to the next
 * one; a spill directory that cannot be written loses records loudly, once a minute, not silently.
 */
class AuditOutageTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path dir;
  private Path spill;
  private PostgresBackend backend;
  private CuttableTcpProxy proxy;
  private Database viaProxy;
  private Database direct;

  @BeforeEach
  void open() throws Exception {
    spill = dir.resolve("spill");
    backend = new PostgresBackend();
    direct = backend.open();
    proxy = CuttableTcpProxy.toPostgres();
    viaProxy = Database.openPostgres(proxy.via(PostgresBackend.URL), PostgresBackend.USER, null, backend.schema());
  }

  @AfterEach
  void close() {
    proxy.close();
    viaProxy.close();
    direct.close();
    backend.close();
  }

  private long stored() {
    return StoreTestBase.count(direct, "SELECT COUNT(*) FROM audit_events");
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() < deadline).as("within %s: %s", DEADLINE, what).isTrue();
      Thread.sleep(20);
    }
  }

  private AuditWriter writer(int bufferMaxEvents) {
    return new AuditWriter(new AuditLog(viaProxy), new AuditSettings(50, Duration.ofMillis(20)).withSpill(bufferMaxEvents, null, 64L << 20), spill);
  }

  /** {@code n} events recorded from four threads at once. */
  private static void recordConcurrently(AuditWriter writer, List<AuditEvent> events) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      int share = events.size() / 4;
      for (int t = 0; t < 4; t++) {
        List<AuditEvent> mine = events.subList(t * share, t == 3 ? events.size() : (t + 1) * share);
        done.add(pool.submit(() -> mine.forEach(writer::record)));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void aShortOutageIsBridgedInMemory() throws Exception {
    try (AuditWriter writer = writer(10_000)) {
      writer.record(AuditSpoolTest.events("before-", 1).get(0));
      writer.flush();
      proxy.cut();
      recordConcurrently(writer, AuditSpoolTest.events("during-", 400));
      await("the writer notices the store is gone", () -> writer.health() == AuditHealth.BUFFERING);
      assertThat(writer.flush(Duration.ofMillis(300))).as("nothing can be written while cut").isFalse();
      proxy.restore();
      assertThat(writer.flush(DEADLINE)).isTrue();
      assertThat(stored()).isEqualTo(401);
      assertThat(writer.health()).isEqualTo(AuditHealth.OK);
      assertThat(writer.dropped()).isZero();
      assertThat(AuditSpoolTest.spillFiles(spill)).isEmpty();
    }
  }

  @Test
  void beyondTheBufferRecordsAreSpilledThenReplayedInOrder() throws Exception {
    List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
    AuditLog log = new AuditLog(viaProxy);
    AuditWriter.Target observed = batch -> {
      log.appendBatch(batch);
      batch.forEach(e -> order.add(e.requestId()));
    };
    try (AuditWriter writer = new AuditWriter(observed, new AuditSettings(50, Duration.ofMillis(20)).withSpill(20, null, 64L << 20), spill,
        Duration.ofSeconds(30))) {
      proxy.cut();
      List<AuditEvent> events = AuditSpoolTest.events("e", 1_000);
      events.forEach(writer::record); // one thread: the order recorded is the list's
      await("records beyond the buffer are spilled", () -> writer.health() == AuditHealth.SPILLING && writer.backlog() <= 20);
      assertThat(AuditSpoolTest.spillFiles(spill)).hasSize(1);
      assertThat(writer.spooledBytes()).isPositive();
      proxy.restore();
      assertThat(writer.flush(DEADLINE)).isTrue();
      assertThat(stored()).isEqualTo(1_000);
      assertThat(order).containsExactlyElementsOf(events.stream().map(AuditEvent::requestId).toList());
      assertThat(AuditSpoolTest.spillFiles(spill)).as("replayed, then deleted").isEmpty();
      assertThat(writer.health()).isEqualTo(AuditHealth.OK);
    }
  }

  @Test
  void aWriterClosedDuringTheOutageLeavesEverythingToTheNextOne() throws Exception {
    AuditWriter first = writer(10_000);
    proxy.cut();
    recordConcurrently(first, AuditSpoolTest.events("r", 300));
    await("the writer notices the store is gone", () -> first.health() == AuditHealth.BUFFERING);
    long started = System.nanoTime();
    first.close();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no wait for a store that is down").isLessThan(Duration.ofSeconds(10));
    assertThat(first.dropped()).isZero();
    assertThat(AuditSpoolTest.spillFiles(spill)).hasSize(1);
    assertThat(stored()).isZero();

    proxy.restore();
    try (AuditWriter next = writer(10_000)) {
      assertThat(next.flush(DEADLINE)).isTrue();
    }
    assertThat(stored()).isEqualTo(300);
    assertThat(AuditSpoolTest.spillFiles(spill)).isEmpty();
  }

  @Test
  void whenNothingCanKeepThemRecordsAreLostLoudlyOnceAMinute() throws Exception {
    Files.writeString(spill, "a file where the spill directory should be");
    try (ServerLog logged = ServerLog.capture(); AuditWriter writer = writer(5)) {
      proxy.cut();
      recordConcurrently(writer, AuditSpoolTest.events("r", 200));
      await("the records beyond the buffer are counted lost", () -> writer.dropped() >= 195 - 50);
      assertThat(writer.health()).isEqualTo(AuditHealth.LOSING);
      assertThat(logged.lines().stream().filter(l -> l.contains("ERROR") && l.contains("LOST"))).as(String.join("\n", logged.lines()))
          .hasSize(1).allSatisfy(l -> assertThat(l).contains("could not spill them"));
      proxy.restore();
      assertThat(writer.flush(DEADLINE)).isTrue();
      assertThat(stored() + writer.dropped()).as("every record is stored or counted").isEqualTo(200);
    }
  }

  @Test
  void replayingAfterAPartialWriteAddsNoDuplicateOnPostgres() throws Exception {
    List<AuditEvent> events = AuditSpoolTest.events("r", 100);
    new AuditLog(direct).appendBatch(events.subList(30, 70)); // written before the crash, the file not yet acknowledged
    try (AuditSpool earlier = AuditSpool.open(spill, 1L << 20)) {
      earlier.append(events);
    }
    try (AuditWriter writer = writer(10_000)) {
      assertThat(writer.flush(DEADLINE)).isTrue();
    }
    assertThat(stored()).isEqualTo(100);
    assertThat(AuditSpoolTest.spillFiles(spill)).isEmpty();
  }
}
