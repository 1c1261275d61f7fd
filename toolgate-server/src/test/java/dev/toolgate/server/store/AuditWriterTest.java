package dev.toolgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.config.AuditSettings;
import dev.toolgate.core.port.AuditEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Batching, retry and shutdown of the writer, against an in-memory target that can be made to fail. */
class AuditWriterTest {
  private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");

  /** Records batches; fails the first {@code failures} calls. */
  private static final class FakeLog implements AuditWriter.Target {
    final List<List<AuditEvent>> batches = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger failuresLeft;
    final AtomicInteger calls = new AtomicInteger();

    FakeLog(int failures) {
      failuresLeft = new AtomicInteger(failures);
    }

    @Override
    public void appendBatch(List<AuditEvent> events) {
      calls.incrementAndGet();
      if (failuresLeft.getAndDecrement() > 0) {
        throw new StoreException("append failed on test database: connection refused");
      }
      batches.add(List.copyOf(events));
    }

    List<String> ids() {
      synchronized (batches) {
        return batches.stream().flatMap(List::stream).map(AuditEvent::requestId).collect(Collectors.toList());
      }
    }
  }

  private static AuditEvent event(String id) {
    return new AuditEvent(T, id, "GET", "/", null, null, null, List.of(), "deny", "x", 401, 1, null);
  }

  private static AuditWriter writer(FakeLog log, int batchSize, Duration interval, Duration closeTimeout) {
    return new AuditWriter(log, new AuditSettings(batchSize, interval), closeTimeout, AuditWriter.DEFAULT_CAPACITY);
  }

  @Test
  void failedWritesAreRetriedWithoutLosingOrReorderingEvents() {
    FakeLog log = new FakeLog(2);
    AuditWriter writer = writer(log, 10, Duration.ofMillis(10), Duration.ofSeconds(10));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 35; i++) {
      writer.record(event("r" + i));
      expected.add("r" + i);
    }
    writer.close();

    assertThat(log.ids()).containsExactlyElementsOf(expected);
    assertThat(log.calls.get()).isGreaterThan(log.batches.size());
    assertThat(writer.dropped()).isZero();
  }

  @Test
  void batchesNeverExceedTheBatchSize() {
    FakeLog log = new FakeLog(0);
    AuditWriter writer = writer(log, 7, Duration.ofMillis(5), Duration.ofSeconds(10));
    for (int i = 0; i < 100; i++) {
      writer.record(event("r" + i));
    }
    writer.close();
    assertThat(log.batches).allSatisfy(batch -> assertThat(batch).hasSizeLessThanOrEqualTo(7));
    assertThat(log.ids()).hasSize(100);
  }

  @Test
  void writesWithinTheFlushIntervalWithoutBeingAsked() throws InterruptedException {
    FakeLog log = new FakeLog(0);
    try (AuditWriter writer = writer(log, 500, Duration.ofMillis(50), Duration.ofSeconds(10))) {
      writer.record(event("lonely"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (log.ids().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(log.ids()).containsExactly("lonely");
    }
  }

  @Test
  void flushWaitsForEarlierEvents() {
    FakeLog log = new FakeLog(1);
    try (AuditWriter writer = writer(log, 500, Duration.ofHours(1), Duration.ofSeconds(10))) {
      writer.record(event("a"));
      writer.record(event("b"));
      writer.flush();
      assertThat(log.ids()).containsExactly("a", "b");
    }
  }

  @Test
  void closeGivesUpAfterItsTimeoutWhenTheStoreStaysDown() {
    FakeLog log = new FakeLog(Integer.MAX_VALUE);
    AuditWriter writer = writer(log, 10, Duration.ofMillis(5), Duration.ofMillis(300));
    for (int i = 0; i < 25; i++) {
      writer.record(event("r" + i));
    }
    writer.close(); // returns: it gave up after its timeout instead of waiting for the store forever

    assertThat(writer.dropped()).isEqualTo(25);
    assertThat(writer.written()).isZero();
  }

  @Test
  void eventsAfterCloseAreCountedNotThrown() {
    FakeLog log = new FakeLog(0);
    AuditWriter writer = writer(log, 10, Duration.ofMillis(5), Duration.ofSeconds(1));
    writer.close();
    writer.record(event("late"));
    writer.flush();
    writer.close();
    assertThat(writer.dropped()).isEqualTo(1);
    assertThat(log.ids()).isEmpty();
  }

  @Test
  void refusesEventsThatCannotBeStored() {
    try (AuditWriter writer = writer(new FakeLog(0), 10, Duration.ofMillis(5), Duration.ofSeconds(1))) {
      assertThatThrownBy(() -> writer.record(new AuditEvent(T, null, "GET", "/", null, null, null, List.of(), "deny", "x", 401, 1, null)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> writer.record(new AuditEvent(null, "r", "GET", "/", null, null, null, List.of(), "deny", "x", 401, 1, null)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
