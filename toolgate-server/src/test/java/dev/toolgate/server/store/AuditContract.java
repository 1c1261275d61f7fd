package dev.toolgate.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.AuditSettings;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.StaticToken;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Audit log, audit writer and usage writer against a real database; run on every backend. */
abstract class AuditContract extends StoreTestBase {
  AuditLog log;
  @org.junit.jupiter.api.io.TempDir java.nio.file.Path spillDir;

  @BeforeEach
  void createLog() {
    log = new AuditLog(database);
  }

  static AuditEvent event(String requestId, Instant time, String tool, String clientId, String decision, String code) {
    return new AuditEvent(time, requestId, "POST", "/tools/" + tool, "10.0.0.1", tool, clientId,
        clientId == null ? List.of() : List.of("tok_a", "key_b"), decision, code,
        "allow".equals(decision) ? 200 : 401, 1234, "allow".equals(decision) ? null : "why it was denied", List.of(), "0123456789ab");
  }

  @Test
  void appendsAndFindsEventsWithEveryField() {
    AuditEvent allowed = event("req-1", START, "refund_order", "cl_1", "allow", "ok");
    AuditEvent denied = new AuditEvent(START.plusMillis(1), "req-2", "GET", "/x", null, null, null, List.of(), "deny", "route_not_found", 404, 7, null);

    log.appendBatch(List.of(allowed, denied));

    assertThat(log.find("req-1")).contains(allowed);
    assertThat(log.find("req-2")).contains(denied);
    assertThat(log.find("req-3")).isEmpty();
  }

  @Test
  void queriesFilterAndReturnNewestFirst() {
    List<AuditEvent> events = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      boolean allow = i % 2 == 0;
      events.add(event("req-" + i, START.plusSeconds(i), i % 4 < 2 ? "refund_order" : "catalog_search",
          i % 5 == 0 ? "cl_x" : "cl_y", allow ? "allow" : "deny", allow ? "ok" : (i % 3 == 0 ? "token_expired" : "signature_invalid")));
    }
    log.appendBatch(events.subList(0, 10));
    log.appendBatch(events.subList(10, 20));

    assertThat(log.query(AuditQuery.latest())).extracting(AuditEvent::requestId)
        .hasSize(20).startsWith("req-19", "req-18").endsWith("req-0");
    assertThat(log.query(AuditQuery.latest(3))).extracting(AuditEvent::requestId).containsExactly("req-19", "req-18", "req-17");
    assertThat(log.query(AuditQuery.latest().withRequestId("req-7"))).extracting(AuditEvent::requestId).containsExactly("req-7");
    assertThat(log.query(AuditQuery.latest().withClientId("cl_x"))).extracting(AuditEvent::requestId)
        .containsExactly("req-15", "req-10", "req-5", "req-0");
    assertThat(log.query(AuditQuery.latest().withTool("catalog_search")))
        .allSatisfy(e -> assertThat(e.tool()).isEqualTo("catalog_search")).hasSize(10);
    assertThat(log.query(AuditQuery.latest().withDecision("deny"))).hasSize(10).allSatisfy(e -> assertThat(e.decision()).isEqualTo("deny"));
    assertThat(log.query(AuditQuery.latest().withCode("token_expired"))).extracting(AuditEvent::requestId)
        .containsExactly("req-15", "req-9", "req-3");
    assertThat(log.query(AuditQuery.latest().withSince(START.plusSeconds(5)).withUntil(START.plusSeconds(8))))
        .extracting(AuditEvent::requestId).containsExactly("req-7", "req-6", "req-5");
    assertThat(log.query(AuditQuery.latest().withDecision("deny").withTool("refund_order").withSince(START.plusSeconds(10))))
        .extracting(AuditEvent::requestId).containsExactly("req-17", "req-13");
    assertThat(log.query(AuditQuery.latest().withClientId("nobody"))).isEmpty();
  }

  @Test
  void writingTheSameEventAgainIsANoOp() {
    AuditEvent first = event("req-1", START, "t", "cl_1", "allow", "ok");
    log.appendBatch(List.of(first));
    log.appendBatch(List.of(event("req-1", START.plusSeconds(9), "other", "cl_2", "deny", "x"), event("req-2", START, "t", null, "deny", "x")));

    assertThat(log.find("req-1")).contains(first);
    assertThat(log.find("req-2")).isPresent();
  }

  @Test
  void theTraceRoundTripsWhateverItsDetailsHold() {
    List<dev.toolgate.core.decision.Check> trace = List.of(
        new dev.toolgate.core.decision.Check("route", true, "POST /a is tool t"),
        new dev.toolgate.core.decision.Check("user_binding", false, "quote \" backslash \\ newline \n tab \t é 🙂 </script> \u0001"),
        new dev.toolgate.core.decision.Check("once", true, ""));
    AuditEvent event = new AuditEvent(START, "req-trace", "POST", "/a", null, "t", null, List.of(), "deny", "user_mismatch", 403, 1, "x", trace);
    log.appendBatch(List.of(event));
    assertThat(log.find("req-trace").orElseThrow().trace()).isEqualTo(trace);
  }

  @Test
  void storesTextWithNulCharacters() {
    AuditEvent event = new AuditEvent(START, "req-nul", "GET", "/a\0b", null, null, null, List.of(), "deny", "route_not_found", 404, 1, null);
    log.appendBatch(List.of(event));
    assertThat(log.find("req-nul").orElseThrow().path()).isEqualTo("/a\uFFFDb");
  }

  @Test
  void filtersWithNulCharactersMatchWhatWasStored() {
    AuditEvent event = new AuditEvent(START, "req-\0", "GET", "/a", null, "t\0", "cl\0", List.of(), "deny", "route_not_found", 404, 1, null);
    log.appendBatch(List.of(event));
    assertThat(log.query(AuditQuery.latest().withTool("t\0").withClientId("cl\0").withCode("route_not_found")))
        .extracting(AuditEvent::requestId).containsExactly("req-\uFFFD");
    assertThat(log.query(AuditQuery.latest().withAfter(new AuditQuery.Position(START.toEpochMilli(), "req-\0")))).isEmpty();
    assertThat(log.query(AuditQuery.latest().withAfter(new AuditQuery.Position(START.toEpochMilli(), "req-\0\0")))).hasSize(1);
  }

  @Test
  void deletesOldEvents() {
    log.appendBatch(List.of(event("old", START, "t", null, "allow", "ok"), event("new", START.plusSeconds(60), "t", null, "allow", "ok")));
    assertThat(log.deleteOlderThan(START.plusSeconds(1))).isEqualTo(1);
    assertThat(log.query(AuditQuery.latest())).extracting(AuditEvent::requestId).containsExactly("new");
  }

  @Test
  void deletesInChunksUpToTheCutoffWhateverTheTies() {
    // 40 events, four to a millisecond: chunk boundaries fall inside groups of ties.
    List<AuditEvent> events = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      events.add(event("req-" + i, START.plusMillis(i / 4), "t", null, "allow", "ok"));
    }
    log.appendBatch(events);

    assertThat(log.deleteOlderThan(START.plusMillis(7), 7)).isEqualTo(28); // 4 chunks and a remainder
    assertThat(log.query(AuditQuery.latest(100))).hasSize(12).allSatisfy(e -> assertThat(e.time()).isAfterOrEqualTo(START.plusMillis(7)));
    assertThat(log.deleteOlderThan(START.plusMillis(7), 7)).isZero();
    assertThat(log.deleteOlderThan(START.plusSeconds(1), 5)).isEqualTo(12); // exactly a multiple of the chunk
    assertThat(log.query(AuditQuery.latest(100))).isEmpty();
    assertThat(log.deleteOlderThan(START.plusSeconds(1))).isZero();
  }

  @Test
  void pagesAfterAPositionWithoutDuplicatesOrGapsAcrossTiesAndLaterInserts() {
    List<AuditEvent> events = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      events.add(event(String.format("req-%02d", i), START.plusMillis(i / 3), i % 2 == 0 ? "a" : "b", null, "allow", "ok"));
    }
    log.appendBatch(events);
    List<String> expected = log.query(AuditQuery.latest(100)).stream().map(AuditEvent::requestId).toList();

    List<String> seen = new ArrayList<>();
    AuditQuery page = AuditQuery.latest(4);
    for (int n = 0; ; n++) {
      List<AuditEvent> got = log.query(page);
      got.forEach(e -> seen.add(e.requestId()));
      if (got.size() < 4) {
        break;
      }
      // A newer event arrives between pages: it shifts nothing.
      log.appendBatch(List.of(event("new-" + n, START.plusSeconds(60 + n), "a", null, "allow", "ok")));
      page = page.withAfter(AuditQuery.Position.of(got.get(got.size() - 1)));
    }
    assertThat(seen).containsExactlyElementsOf(expected);

    List<String> onlyA = new ArrayList<>();
    AuditQuery filtered = AuditQuery.latest(2).withTool("a").withUntil(START.plusSeconds(1));
    for (List<AuditEvent> got = log.query(filtered); !got.isEmpty(); got = log.query(filtered)) {
      got.forEach(e -> onlyA.add(e.requestId()));
      filtered = filtered.withAfter(AuditQuery.Position.of(got.get(got.size() - 1)));
    }
    assertThat(onlyA).containsExactlyElementsOf(expected.stream().filter(id -> Integer.parseInt(id.substring(4)) % 2 == 0).toList());
  }

  @Test
  void writerCloseWritesEverythingRecordedFromManyThreads() throws Exception {
    AuditWriter writer = new AuditWriter(log, new AuditSettings(500, Duration.ofMillis(200)), spillDir);
    int threads = 5;
    int perThread = 1_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      done.add(pool.submit(() -> {
        go.await();
        for (int i = 0; i < perThread; i++) {
          writer.record(event("t" + thread + "-" + i, START.plusMillis(i), "tool", "cl_1", "allow", "ok"));
        }
        return null;
      }));
    }
    go.countDown();
    for (Future<?> future : done) {
      future.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();

    writer.close();

    assertThat(count(database, "SELECT COUNT(*) FROM audit_events")).isEqualTo(5_000);
    assertThat(writer.written()).isEqualTo(5_000);
    assertThat(writer.dropped()).isZero();
    assertThat(spillDir).isEmptyDirectory();
  }

  @Test
  void writerFlushWaitsForEverythingRecordedBefore() {
    try (AuditWriter writer = new AuditWriter(log, new AuditSettings(100, Duration.ofSeconds(30)), spillDir)) {
      for (int i = 0; i < 250; i++) {
        writer.record(event("r" + i, START.plusMillis(i), "tool", null, "deny", "x"));
      }
      writer.flush();
      assertThat(count(database, "SELECT COUNT(*) FROM audit_events")).isEqualTo(250);
    }
  }

  @Test
  void usageWriterCoalescesAndWritesOnClose() {
    CredentialStore store = newStore();
    ClientRecord client = store.createClient("c", "sendbird");
    StaticToken token = store.createStaticToken(client.id(), null).record();
    String keyId = store.createApiKey(client.id(), Set.of("t"), null).record().id();

    UsageWriter usage = new UsageWriter(store, Duration.ofHours(1));
    for (int i = 0; i < 100; i++) {
      usage.used(token.id(), START.plusSeconds(i));
    }
    usage.used(token.id(), START); // older use arriving late
    usage.used(keyId, START.plusSeconds(7));
    usage.used("sec_not_tracked", START);
    usage.close();

    assertThat(store.listStaticTokens(null).get(0).lastUsedAt()).isEqualTo(START.plusSeconds(99));
    assertThat(store.listApiKeys(null).get(0).lastUsedAt()).isEqualTo(START.plusSeconds(7));
  }

  @Test
  void usageWriterWritesPeriodically() throws InterruptedException {
    CredentialStore store = newStore();
    ClientRecord client = store.createClient("c", "sendbird");
    StaticToken token = store.createStaticToken(client.id(), null).record();
    try (UsageWriter usage = new UsageWriter(store, Duration.ofMillis(50))) {
      usage.used(token.id(), START.plusSeconds(3));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (store.listStaticTokens(null).get(0).lastUsedAt() == null && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(store.listStaticTokens(null).get(0).lastUsedAt()).isEqualTo(START.plusSeconds(3));
    }
  }
}
