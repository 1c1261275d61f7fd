package dev.toolgate.server.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.http.RecordingUpstream;
import dev.toolgate.server.store.Database;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * {@code audit.durability: durable} (the default) against SIGKILL: the real jar runs as a server
 * process under concurrent load (allowed calls to an anonymous tool, refused calls with a wrong API
 * key), is killed with SIGKILL at a random moment, and restarted on the same store, a few times. Every
 * call the client saw answered must have its audit record (request id, decision, code), the store must
 * open cleanly (SQLite: {@code PRAGMA integrity_check}), and the restarted server must serve at once.
 * On SQLite and on a fresh schema of the test PostgreSQL.
 */
class CrashSafeAuditIT {
  private static final int ROUNDS = 3;
  private static final int THREADS = 6;

  /** A call the client saw answered: what its audit record must say. */
  private record Answer(String requestId, String decision, String code) {}

  @Test
  void sqliteKeepsTheRecordOfEveryAnsweredCallThroughSigkill() throws Exception {
    ServerProcess.onSqlite("toolgate-crash", this::crashRounds);
  }

  @Test
  void postgresqlKeepsTheRecordOfEveryAnsweredCallThroughSigkill() throws Exception {
    ServerProcess.onPostgres("toolgate-crash", this::crashRounds);
  }

  private void crashRounds(Path dir, String storeYaml, ServerProcess.StoreOpener openStore) throws Exception {
    try (RecordingUpstream upstream = new RecordingUpstream()) {
      int port = ServerProcess.freePort();
      Files.writeString(dir.resolve("toolgate.yaml"), """
          server: { host: 127.0.0.1, port: PORT, shutdown_grace: 1s }
          failed_auth_limit: off
          STORE
          platforms:
            sendbird: { api_key_header: api-key }
          tools:
            - { name: open, method: GET, path: "/open/{n}", upstream: "UPSTREAM/open/{n}", policy: { anonymous: true } }
            - { name: locked, platform: sendbird, method: GET, path: "/locked/{n}", upstream: "UPSTREAM/locked/{n}",
                policy: { require: [api_key] } }
          """.replace("PORT", Integer.toString(port)).replace("STORE\n", storeYaml).replace("UPSTREAM", upstream.url()));
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
      String base = "http://127.0.0.1:" + port;
      int answered = 0;
      for (int round = 0; round < ROUNDS; round++) {
        Process server = ServerProcess.start(dir, http, base, round);
        List<Answer> answers = loadThenKill(server, http, base);
        assertThat(answers).as("round %d: calls answered before the kill", round).isNotEmpty();
        answered += answers.size();
        try (Database store = openStore.open()) {
          Map<String, Answer> stored = auditRecords(store);
          List<Answer> missing = answers.stream().filter(a -> !a.equals(stored.get(a.requestId()))).toList();
          assertThat(missing).as("round %d: answered calls (of %d) without their audit record, or with another decision or code",
              round, answers.size()).isEmpty();
        }
      }
      // Restarted on the store a SIGKILL left: ready, and the first call is answered and recorded.
      Process server = ServerProcess.start(dir, http, base, ROUNDS);
      try {
        HttpResponse<String> first = http.send(HttpRequest.newBuilder(URI.create(base + "/open/after")).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        String id = first.headers().firstValue("x-request-id").orElseThrow();
        try (Database store = openStore.open()) {
          assertThat(auditRecords(store).get(id)).isEqualTo(new Answer(id, "allow", "ok"));
        }
      } finally {
        ServerProcess.stop(server);
      }
      assertThat(answered).as("calls answered in all rounds").isGreaterThanOrEqualTo(ROUNDS);
    }
  }

  /** Concurrent allowed and refused calls; SIGKILL at a random moment; the calls answered before it. */
  private static List<Answer> loadThenKill(Process server, HttpClient http, String base) throws Exception {
    ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService load = Executors.newFixedThreadPool(THREADS);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      workers.add(load.submit(() -> {
        for (int i = 0; !stop.get(); i++) {
          boolean allowed = (i + thread) % 2 == 0;
          HttpRequest.Builder call = HttpRequest.newBuilder(URI.create(base + (allowed ? "/open/" : "/locked/") + thread + "-" + i))
              .timeout(Duration.ofSeconds(30));
          if (!allowed) {
            call.header("api-key", "tgk_wrong-" + i);
          }
          HttpResponse<String> r;
          try {
            r = http.send(call.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
          } catch (IOException killed) {
            continue; // no answer: the server is gone, or going
          }
          String id = r.headers().firstValue("x-request-id").orElseThrow();
          if (r.statusCode() == 200) {
            answers.add(new Answer(id, "allow", "ok"));
          } else {
            answers.add(new Answer(id, "deny", new JsonObject(r.body()).getString("code")));
          }
        }
        return null;
      }));
    }
    Thread.sleep(ThreadLocalRandom.current().nextLong(300, 1500));
    ServerProcess.sigkill(server);
    stop.set(true);
    for (Future<?> w : workers) {
      w.get(60, TimeUnit.SECONDS);
    }
    load.shutdown();
    return List.copyOf(answers);
  }

  private static Map<String, Answer> auditRecords(Database store) throws SQLException {
    Map<String, Answer> records = new HashMap<>();
    try (Connection c = store.dataSource().getConnection();
        PreparedStatement q = c.prepareStatement("SELECT request_id, decision, code FROM audit_events");
        ResultSet rows = q.executeQuery()) {
      while (rows.next()) {
        records.put(rows.getString(1), new Answer(rows.getString(1), rows.getString(2), rows.getString(3)));
      }
    }
    return records;
  }
}
