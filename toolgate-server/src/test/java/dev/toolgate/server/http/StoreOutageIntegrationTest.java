package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL unreachable under load, end to end: a real gateway whose only way to the test
 * PostgreSQL is a {@link dev.toolgate.server.store.CuttableTcpProxy}, tool calls (allowed and
 * refused) from several threads over real HTTP, the proxy cut for {@link #OUTAGE} and restored.
 *
 * <p>The requirement is a minute; the cut here lasts 6 s by default so the suite stays quick (the
 * behaviour does not change with the length: the snapshot and the audit buffer do not age). Run it
 * for a minute with {@code -Dtoolgate.test.store_outage_seconds=60}.
 */
class StoreOutageIntegrationTest {
  static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("toolgate.test.store_outage_seconds", 6));
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final int THREADS = 6;

  /** One answered call: its request id, whether its credential was valid, its status, and whether the store was cut meanwhile. */
  private record Answer(String requestId, boolean valid, int status, boolean duringCut) {}

  @Test
  void underLoadAnOutageLosesNoAuditRecordAndRefusesNoValidCall() throws Exception {
    // Durable (the default): through the outage each record is spilled, synced, before its call is answered.
    try (ServerLog log = ServerLog.capture(); OutageGateway g = new OutageGateway(10_000).start()) {
      AtomicBoolean cut = new AtomicBoolean();
      AtomicBoolean stop = new AtomicBoolean();
      ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
      ExecutorService load = Executors.newFixedThreadPool(THREADS);
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        workers.add(load.submit(() -> {
          for (int i = 0; !stop.get(); i++) {
            boolean valid = (i + thread) % 3 != 2;
            HttpRequest.Builder call = switch ((i + thread) % 3) {
              case 0 -> g.get("/users/u-" + i + "/profile").header("authorization", "Bearer " + g.token);
              case 1 -> g.get("/catalog/search?q=" + i).header("api-key", g.apiKey);
              default -> g.get("/users/u-" + i + "/profile").header("authorization", "Bearer tgt_not-a-token-" + i);
            };
            boolean cutBefore = cut.get();
            HttpResponse<String> r = g.send(call);
            answers.add(new Answer(r.headers().firstValue("x-request-id").orElse(null), valid, r.statusCode(), cutBefore || cut.get()));
            Thread.sleep(15); // a few hundred calls a second in all: load, without starving the other helpers' CPU
          }
          return null;
        }));
      }
      awaitCalls(answers, 150);

      g.proxy.cut();
      cut.set(true);
      long cutAt = System.nanoTime();
      JsonObject unreachable = awaitReadyz(g, r -> "down".equals(r.getString("store")));
      assertThat(unreachable.getInteger("http_status")).as("still verifying, still ready: %s", unreachable).isEqualTo(200);
      assertThat(unreachable.getString("status")).isEqualTo("ready");

      long adminStarted = System.nanoTime();
      HttpResponse<String> created = g.send(g.get("/admin/users").POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"during-cut\"}"))
          .header("authorization", "Bearer " + g.adminToken).header("content-type", "application/json"));
      Duration adminTook = Duration.ofNanos(System.nanoTime() - adminStarted);
      assertThat(created.statusCode()).as(created.body()).isEqualTo(503);
      assertThat(new JsonObject(created.body()).getString("code")).isEqualTo("store_unavailable");
      assertThat(created.headers().firstValue("retry-after")).hasValue("5");
      assertThat(adminTook).as("no hang: the connection timeout is 5 s").isLessThan(Duration.ofSeconds(10));

      // The token endpoint writes nothing: it keeps issuing, and its tokens are accepted. Revoking one must be stored: 503.
      HttpResponse<String> issued = g.oauth("/oauth/token", "grant_type=client_credentials&scope=orders.read");
      assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
      String accessToken = new JsonObject(issued.body()).getString("access_token");
      assertThat(g.send(g.get("/orders/status").header("authorization", "Bearer " + accessToken)).statusCode()).isEqualTo(200);
      HttpResponse<String> revoked = g.oauth("/oauth/revoke", "token=" + accessToken);
      assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(503);
      assertThat(new JsonObject(revoked.body()).getString("error")).isEqualTo("temporarily_unavailable");
      assertThat(revoked.headers().firstValue("retry-after")).hasValue("5");

      long rest = OUTAGE.toNanos() - (System.nanoTime() - cutAt);
      if (rest > 0) {
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(rest));
      }
      int duringCut = (int) answers.stream().filter(Answer::duringCut).count();
      g.proxy.restore();
      cut.set(false);
      awaitReadyz(g, r -> "up".equals(r.getString("store")));
      int before = answers.size();
      awaitCalls(answers, before + 150);
      stop.set(true);
      for (Future<?> w : workers) {
        w.get(30, TimeUnit.SECONDS);
      }
      load.shutdown();

      List<Answer> all = List.copyOf(answers);
      Map<Integer, Long> statuses = all.stream().collect(Collectors.groupingBy(Answer::status, Collectors.counting()));
      assertThat(duringCut).as("calls answered while the store was cut").isGreaterThanOrEqualTo(100);
      assertThat(all).as("statuses %s", statuses).allSatisfy(a -> {
        assertThat(a.requestId()).isNotNull();
        assertThat(a.status()).as("valid credentials are answered by the upstream, never 401/5xx").isEqualTo(a.valid() ? 200 : 401);
      });

      g.flushAudit(DEADLINE);
      Set<String> stored = g.storedRequestIds();
      List<String> missing = all.stream().map(Answer::requestId).filter(id -> !stored.contains(id)).toList();
      assertThat(missing).as("audit records of %d answered calls (%d during the cut)", all.size(), duringCut).isEmpty();
      assertThat(g.readyz().getString("audit")).isEqualTo("ok");
      assertThat(Files.exists(g.spillDir) ? Files.list(g.spillDir).count() : 0).as("nothing left in spill files").isZero();

      // Said once when it happens and once when it is over, not once per poll or per attempt.
      assertThat(count(log, "WARN StoreReachability - the store is unreachable")).isEqualTo(1);
      assertThat(count(log, "INFO StoreReachability - the store")).isEqualTo(1);
      assertThat(count(log, "WARN AuditWriter - writing audit records failed")).isEqualTo(1);
      assertThat(count(log, "INFO AuditWriter - audit records are written to the store again")).isEqualTo(1);
      assertThat(count(log, "ERROR")).as("nothing lost, nothing broken").isZero();
    }
  }

  @Test
  void recordsSpilledBeforeAStopAreWrittenByTheNextStart() throws Exception {
    try (OutageGateway g = new OutageGateway(1).start()) {
      g.proxy.cut();
      awaitReadyz(g, r -> "down".equals(r.getString("store")));
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        boolean valid = i % 4 != 3;
        HttpResponse<String> r = g.send(g.get("/users/u-" + i + "/profile").header("authorization", "Bearer " + (valid ? g.token : "tgt_wrong")));
        assertThat(r.statusCode()).isEqualTo(valid ? 200 : 401);
        ids.add(r.headers().firstValue("x-request-id").orElseThrow());
      }
      JsonObject spilling = awaitReadyz(g, r -> "spilling".equals(r.getString("audit")));
      assertThat(spilling.getInteger("http_status")).as("spilling works: still ready").isEqualTo(200);
      g.stop(); // with the store still cut: what is left goes to the spill file
      assertThat(Files.list(g.spillDir).count()).as("spill file kept for the next start").isPositive();
      assertThat(g.storedRequestIds()).as("nothing reached the store").doesNotContainAnyElementsOf(ids);

      g.proxy.restore();
      g.start(); // the same store and spill directory
      g.flushAudit(DEADLINE);
      assertThat(g.storedRequestIds()).containsAll(ids);
      assertThat(Files.list(g.spillDir).count()).as("replayed, then deleted").isZero();
    }
  }

  private static long count(ServerLog log, String fragment) {
    return log.lines().stream().filter(l -> l.contains(fragment)).count();
  }

  private static void awaitCalls(ConcurrentLinkedQueue<Answer> answers, int atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (answers.size() < atLeast) {
      assertThat(System.nanoTime() < deadline).as("%d calls answered within %s", atLeast, DEADLINE).isTrue();
      Thread.sleep(20);
    }
  }

  private static JsonObject awaitReadyz(OutageGateway g, Predicate<JsonObject> condition) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      JsonObject r = g.readyz();
      if (condition.test(r)) {
        return r;
      }
      assertThat(System.nanoTime() < deadline).as("/readyz within %s, last %s", DEADLINE, r).isTrue();
      Thread.sleep(50);
    }
  }
}
