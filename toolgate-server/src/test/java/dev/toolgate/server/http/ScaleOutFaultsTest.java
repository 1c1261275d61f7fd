package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.redis.RedisServerProcess;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Redis killed and restarted under load: no call is answered 401 or 500 for it, each kind of state
 * answers as documented (deployment.md), calls let through uncounted say so in their audit record,
 * and everything counts again once Redis is back, without a restart.
 */
@Timeout(120)
class ScaleOutFaultsTest {
  static final String SECRET = ScaleOutIntegrationTest.SECRET;
  static final String TOOLS = """
        - name: limited
          method: POST
          path: /limited
          upstream: UPSTREAM
          policy: {anonymous: true}
          rate_limits:
            - {per: [ip], limit: 100000, period: 1h}
        - name: strict
          platform: sendbird
          method: POST
          path: /strict
          upstream: UPSTREAM
          policy: {require: [api_key]}
          when_limits_unavailable: refuse
          rate_limits:
            - {per: [client], limit: 100000, period: 1h}
        - name: plain
          platform: sendbird
          method: POST
          path: /plain
          upstream: UPSTREAM
          policy: {require: [api_key]}
        - name: hooks
          platform: hooks
          method: POST
          path: /hooks
          upstream: UPSTREAM
          policy: {require: [standard_webhooks]}
      failed_auth_limit: {limit: 1000, period: 1h}
      authorization_server:
        issuer: ISSUER
      """;

  RedisServerProcess redis;
  ToolgateCluster cluster;
  String apiKey;

  @BeforeEach
  void start() throws Exception {
    redis = RedisServerProcess.start();
    cluster = new ToolgateCluster("redis:\n  url: redis://127.0.0.1:" + redis.port() + "\n  timeout: 200ms\n",
        TOOLS.replace("ISSUER", ToolgateCluster.ISSUER));
    ClientRecord hooks = cluster.admin.createClient("hooks", "hooks");
    cluster.admin.addSigningSecret(hooks.id(), SECRET.getBytes(StandardCharsets.UTF_8), null);
    ClientRecord agent = cluster.admin.createClient("agent", "sendbird");
    apiKey = cluster.admin.createApiKey(agent.id(), Set.of("*"), null).plaintext();
    cluster.start(2);
  }

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  HttpRequest hook(int instance, String id) {
    return ScaleOutIntegrationTest.hook(cluster, instance, id, "127.0.0.1");
  }

  HttpRequest call(int instance, String path, String key) {
    return cluster.post(instance, path, "{}").header("api-key", key).build();
  }

  static String code(HttpResponse<String> r) {
    return new JsonObject(r.body()).getString("code");
  }

  @Test
  void eachKindOfStateAnswersAsDocumentedWhileRedisIsDownAndCountsAgainWhenItIsBack() throws Exception {
    assertThat(cluster.send(hook(0, "msg_before")).statusCode()).isEqualTo(200);
    assertThat(cluster.send(cluster.get(0, "/readyz").build()).statusCode()).isEqualTo(200);

    redis.kill();
    int hitsBefore = cluster.upstream.hits.get();

    // Once-only checks fail closed: 503 with Retry-After, never a pass and never a 401.
    HttpResponse<String> hook = cluster.send(hook(1, "msg_during"));
    assertThat(hook.statusCode()).isEqualTo(503);
    assertThat(code(hook)).isEqualTo("shared_state_unavailable");
    assertThat(hook.headers().firstValue("retry-after")).isPresent();
    assertThat(cluster.upstream.hits.get()).as("a refused call never reaches the upstream").isEqualTo(hitsBefore);
    // A tool's rate limits fail open by default: allowed, no RateLimit-* headers, marked in the audit record.
    HttpResponse<String> limited = cluster.send(cluster.post(0, "/limited", "{}").build());
    assertThat(limited.statusCode()).isEqualTo(200);
    assertThat(limited.headers().firstValue("ratelimit-limit")).isEmpty();
    String uncounted = limited.headers().firstValue("x-request-id").orElseThrow();
    // ... or closed where the tool says so.
    int hitsBeforeStrict = cluster.upstream.hits.get();
    HttpResponse<String> strict = cluster.send(call(1, "/strict", apiKey));
    assertThat(strict.statusCode()).isEqualTo(503);
    assertThat(code(strict)).isEqualTo("shared_state_unavailable");
    assertThat(cluster.upstream.hits.get()).isEqualTo(hitsBeforeStrict);
    // A tool without limits does not need Redis at all.
    assertThat(cluster.send(call(0, "/plain", apiKey)).statusCode()).isEqualTo(200);
    // A failed authentication cannot be counted: 503, so a guesser learns nothing while the count is blind.
    int hitsBeforeGuess = cluster.upstream.hits.get();
    HttpResponse<String> guess = cluster.send(call(1, "/plain", "tgk_not-a-real-key-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
    assertThat(guess.statusCode()).isEqualTo(503);
    assertThat(code(guess)).isEqualTo("shared_state_unavailable");
    assertThat(cluster.upstream.hits.get()).isEqualTo(hitsBeforeGuess);
    // /readyz tells the load balancer; the process stays alive.
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    HttpResponse<String> ready;
    do {
      ready = cluster.send(cluster.get(0, "/readyz").build());
    } while (ready.statusCode() != 503 && System.nanoTime() < deadline && sleep(50));
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
    assertThat(ready.body()).contains("redis");
    assertThat(cluster.send(cluster.get(0, "/healthz").build()).statusCode()).isEqualTo(200);

    AuditEvent event = awaitAudit(uncounted);
    assertThat(event.trace().toString()).contains("UNCOUNTED");

    redis.restart();

    // Back without a restart of Toolgate: once-only checks and limits work again.
    deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int status;
    do {
      status = cluster.send(hook(1, "msg_after_" + System.nanoTime())).statusCode();
    } while (status != 200 && System.nanoTime() < deadline && sleep(100));
    assertThat(status).isEqualTo(200);
    // Each instance reconnects on its own: instance 0 may still answer 503 for a moment after instance 1 is back.
    int replay;
    do {
      replay = cluster.send(hook(0, "msg_before")).statusCode();
    } while (replay == 503 && System.nanoTime() < deadline && sleep(100));
    assertThat(replay).as("Redis restarted empty: a replay of an older message is then refused by its timestamp window only")
        .isIn(200, 401);
    HttpResponse<String> counted = cluster.send(cluster.post(1, "/limited", "{}").build());
    assertThat(counted.statusCode()).isEqualTo(200);
    assertThat(counted.headers().firstValue("ratelimit-limit")).hasValue("100000");
    assertThat(cluster.send(call(0, "/strict", apiKey)).statusCode()).isEqualTo(200);
  }

  @Test
  void underLoadAcrossAKillAndARestartNoCallIsAnswered401Or500() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    List<Thread> load = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int worker = t;
      Thread thread = new Thread(() -> {
        int n = 0;
        while (running.get()) {
          n++;
          int instance = n % 2;
          try {
            HttpResponse<String> r = switch (n % 4) {
              case 0 -> cluster.send(hook(instance, "msg_load_" + worker + "_" + n));
              case 1 -> cluster.send(cluster.post(instance, "/limited", "{}").build());
              case 2 -> cluster.send(call(instance, "/strict", apiKey));
              default -> cluster.send(call(instance, "/plain", apiKey));
            };
            seen.add((n % 4) + ":" + r.statusCode() + (r.statusCode() >= 400 ? ":" + code(r) : ""));
          } catch (Exception e) {
            seen.add("error:" + e);
          }
        }
      });
      thread.start();
      load.add(thread);
    }
    Thread.sleep(500);
    redis.kill();
    Thread.sleep(1500);
    redis.restart();
    Thread.sleep(2000);
    running.set(false);
    for (Thread t : load) {
      t.join();
    }
    assertThat(seen).isNotEmpty();
    synchronized (seen) {
      for (String s : seen) {
        // Every call here carries valid credentials: 200, or 503 shared_state_unavailable while Redis is away.
        assertThat(s).as("never 401, 500 or a broken connection").matches("\\d:(200|503:shared_state_unavailable)");
      }
      assertThat(seen).as("some calls were refused while Redis was down").anyMatch(s -> s.endsWith(":503:shared_state_unavailable"));
      assertThat(seen.subList(seen.size() - 8, seen.size())).as("and the last ones, after it came back, passed").allMatch(s -> s.contains(":200"));
    }
  }

  AuditEvent awaitAudit(String requestId) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      var found = cluster.auditLog.find(requestId);
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no audit record for " + requestId);
  }

  static boolean sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return true;
  }
}
