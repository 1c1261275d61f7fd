package dev.toolgate.server.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.admin.AdminTokenStore;
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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Credential changes against SIGKILL: the real jar runs as a server process while admin API clients
 * create clients, static tokens, API keys and signing secrets, rotate tokens and keys (with an
 * overlap) and revoke keys, creations and rotations under an {@code Idempotency-Key}; it is killed
 * with SIGKILL at a random moment and restarted on the same store, a few times. After each kill the
 * store opens cleanly (SQLite: {@code PRAGMA integrity_check}), every change a client saw
 * acknowledged is there and complete (a rotated credential keeps its overlap next to its successor,
 * a revoked key is revoked, every secret matches its digest), no credential is without its client,
 * every answer recorded for an idempotency key names a stored credential, and after the restart a
 * retry with an acknowledged key is answered the same; one the client never saw answered is either
 * answered now (replayed, or run for the first time) or refused with 409: still in flight, or carried
 * out with its answer lost (never run twice). On SQLite and on a fresh schema of the test PostgreSQL.
 */
class CredentialCrashIT {
  private static final int ROUNDS = 3;
  private static final int THREADS = 4;
  private static final long OVERLAP_SECONDS = AcknowledgedChanges.OVERLAP_SECONDS;

  /** An admin request sent with an {@code Idempotency-Key}: what a retry sends, and the answer it must get (null: none seen). */
  private record Idempotent(String key, String path, String body, JsonObject answer) {}

  /** What the clients saw acknowledged, across rounds, and the idempotency keys they sent. */
  private static final class Seen extends AcknowledgedChanges {
    final ConcurrentLinkedQueue<Idempotent> acknowledged = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Idempotent> unanswered = new ConcurrentLinkedQueue<>();
  }

  @Test
  void sqliteKeepsEveryAcknowledgedCredentialChangeWholeThroughSigkill() throws Exception {
    ServerProcess.onSqlite("toolgate-credcrash", this::crashRounds);
  }

  @Test
  void postgresqlKeepsEveryAcknowledgedCredentialChangeWholeThroughSigkill() throws Exception {
    ServerProcess.onPostgres("toolgate-credcrash", this::crashRounds);
  }

  private void crashRounds(Path dir, String storeYaml, ServerProcess.StoreOpener openStore) throws Exception {
    int port = ServerProcess.freePort();
    Files.writeString(dir.resolve("toolgate.yaml"), """
        server: { host: 127.0.0.1, port: PORT, shutdown_grace: 1s }
        STORE
        platforms:
          sendbird: { api_key_header: api-key }
        tools:
          - { name: open, method: GET, path: "/open/{n}", upstream: "http://127.0.0.1:9/open/{n}", policy: { anonymous: true } }
        """.replace("PORT", Integer.toString(port)).replace("STORE\n", storeYaml));
    String adminToken;
    try (Database store = openStore.open()) {
      adminToken = new AdminTokenStore(store).create("crash-test", null).plaintext(); // as the CLI would
    }
    Admin admin = new Admin("http://127.0.0.1:" + port, adminToken);
    Seen seen = new Seen();
    for (int round = 0; round < ROUNDS; round++) {
      Process server = ServerProcess.start(dir, admin.http, admin.base, round);
      int before = seen.count();
      changesThenKill(server, admin, seen);
      try (Database store = openStore.open()) {
        assertWhole(store, seen, round);
      }
      assertThat(seen.count()).as("round %d: changes acknowledged before the kill", round).isGreaterThan(before);
    }
    assertThat(seen.rotations).as("rotations acknowledged in all rounds").isNotEmpty();
    assertThat(seen.revokedKeys).as("revocations acknowledged in all rounds").isNotEmpty();
    Process server = ServerProcess.start(dir, admin.http, admin.base, ROUNDS);
    try {
      for (Idempotent sent : seen.acknowledged) {
        HttpResponse<String> again = admin.post(sent.path(), sent.body(), sent.key());
        assertThat(again.statusCode()).as("retry of acknowledged %s: %s", sent.path(), again.body()).isEqualTo(201);
        assertThat(again.headers().firstValue("idempotent-replayed")).hasValue("true");
        assertThat(new JsonObject(again.body())).as("the first answer again, without its secret").isEqualTo(sent.answer());
      }
      for (Idempotent sent : seen.unanswered) {
        HttpResponse<String> again = admin.post(sent.path(), sent.body(), sent.key());
        assertThat(again.statusCode()).as("retry of unanswered %s: %s", sent.path(), again.body()).isIn(201, 409);
      }
    } finally {
      ServerProcess.stop(server);
    }
    try (Database store = openStore.open()) {
      assertWhole(store, seen, ROUNDS);
    }
  }

  /** Admin API clients making changes; SIGKILL at a random moment. */
  private static void changesThenKill(Process server, Admin admin, Seen seen) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService load = Executors.newFixedThreadPool(THREADS);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      workers.add(load.submit(() -> {
        List<String> clients = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!stop.get()) {
          try {
            int op = clients.isEmpty() ? 0 : random.nextInt(7);
            String client = clients.isEmpty() ? null : clients.get(random.nextInt(clients.size()));
            switch (op) {
              case 0 -> {
                HttpResponse<String> r = admin.post("/admin/clients",
                    new JsonObject().put("name", "c-" + UUID.randomUUID()).put("platform", "sendbird").encode(), null);
                if (r.statusCode() == 201) {
                  String id = new JsonObject(r.body()).getString("id");
                  clients.add(id);
                  seen.clients.add(id);
                }
              }
              case 1 -> create(admin, seen, "/admin/static-tokens", "static_tokens", new JsonObject().put("client_id", client), tokens);
              case 2 -> create(admin, seen, "/admin/api-keys", "api_keys",
                  new JsonObject().put("client_id", client).put("tools", new io.vertx.core.json.JsonArray().add("*")), keys);
              case 3 -> create(admin, seen, "/admin/signing-secrets", "signing_secrets", new JsonObject().put("client_id", client), null);
              case 4 -> rotate(admin, seen, "/admin/static-tokens/", "static_tokens", tokens);
              case 5 -> rotate(admin, seen, "/admin/api-keys/", "api_keys", keys);
              default -> {
                if (!keys.isEmpty()) {
                  String id = keys.remove(random.nextInt(keys.size()));
                  if (admin.post("/admin/api-keys/" + id + "/revoke", "{}", null).statusCode() == 200) {
                    seen.revokedKeys.add(id);
                  }
                }
              }
            }
          } catch (IOException killed) {
            // no answer: the server is gone, or going
          }
        }
        return null;
      }));
    }
    Thread.sleep(ThreadLocalRandom.current().nextLong(500, 2000));
    ServerProcess.sigkill(server);
    stop.set(true);
    for (Future<?> w : workers) {
      w.get(60, TimeUnit.SECONDS);
    }
    load.shutdown();
  }

  private static void create(Admin admin, Seen seen, String path, String table, JsonObject body, List<String> live)
      throws IOException, InterruptedException {
    Idempotent sent = new Idempotent(UUID.randomUUID().toString(), path, body.encode(), null);
    HttpResponse<String> r = admin.sendIdempotent(sent, seen);
    if (r != null && r.statusCode() == 201) {
      JsonObject answer = new JsonObject(r.body());
      seen.created.add(new AcknowledgedChanges.Created(table, answer.getString("id"), body.getString("client_id"), answer.getString("secret")));
      if (live != null) {
        live.add(answer.getString("id"));
      }
    }
  }

  private static void rotate(Admin admin, Seen seen, String base, String table, List<String> live) throws IOException, InterruptedException {
    if (live.isEmpty()) {
      return;
    }
    String oldId = live.remove(ThreadLocalRandom.current().nextInt(live.size()));
    long sentAt = System.currentTimeMillis();
    Idempotent sent = new Idempotent(UUID.randomUUID().toString(), base + oldId + "/rotate",
        new JsonObject().put("overlap_seconds", OVERLAP_SECONDS).encode(), null);
    HttpResponse<String> r = admin.sendIdempotent(sent, seen);
    if (r != null && r.statusCode() == 201) {
      JsonObject answer = new JsonObject(r.body());
      String newId = answer.getString("id");
      seen.created.add(new AcknowledgedChanges.Created(table, newId, answer.getString("client_id"), answer.getString("secret")));
      seen.rotations.add(new AcknowledgedChanges.Rotation(table, oldId, newId, sentAt));
      live.add(newId);
    }
  }

  /** The store after a kill: every acknowledged change there and whole, every recorded idempotent answer backed. */
  private static void assertWhole(Database store, Seen seen, int round) throws SQLException {
    try (Connection c = store.dataSource().getConnection()) {
      Set<String> stored = seen.assertKeptIn(c, round);
      List<String> unrecorded = AcknowledgedChanges.column(c, "SELECT idem_key FROM idempotency_keys WHERE status IS NULL OR status = 0");
      assertThat(seen.acknowledged.stream().map(Idempotent::key).filter(unrecorded::contains).toList())
          .as("round %d: acknowledged keys whose answer is not recorded", round).isEmpty();
      // Every answer an idempotency key would replay names a credential that is stored.
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT response FROM idempotency_keys WHERE status > 0")) {
        while (r.next()) {
          String id = new JsonObject(r.getString(1)).getString("id");
          assertThat(stored).as("round %d: recorded idempotent answer for %s", round, id).contains(id);
        }
      }
    }
  }

  /** The admin API of the server process, with one admin token. */
  private static final class Admin {
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    final String base;
    final String token;

    Admin(String base, String token) {
      this.base = base;
      this.token = token;
    }

    HttpResponse<String> post(String path, String body, String idempotencyKey) throws IOException, InterruptedException {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
          .POST(HttpRequest.BodyPublishers.ofString(body)).header("authorization", "Bearer " + token).header("content-type", "application/json");
      if (idempotencyKey != null) {
        request.header("idempotency-key", idempotencyKey);
      }
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** Sends it; notes it as acknowledged (with its answer minus the secret) or unanswered; null when unanswered. */
    HttpResponse<String> sendIdempotent(Idempotent sent, Seen seen) throws InterruptedException {
      HttpResponse<String> r;
      try {
        r = post(sent.path(), sent.body(), sent.key());
      } catch (IOException killed) {
        seen.unanswered.add(sent);
        return null;
      }
      if (r.statusCode() == 201) {
        JsonObject answer = new JsonObject(r.body());
        answer.remove("secret");
        seen.acknowledged.add(new Idempotent(sent.key(), sent.path(), sent.body(), answer));
      }
      return r;
    }
  }
}
