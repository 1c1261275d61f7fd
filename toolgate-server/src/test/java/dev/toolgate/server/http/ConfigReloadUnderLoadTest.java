package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.ConfigReloader;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A tool's policy changed while several clients call over real HTTP: every call is answered as one
 * of the two versions answers it (never a 404 for a tool both have, never a 500, never a dropped
 * connection), the audit record of each call names the version that decided it, and after the
 * reload the new policy holds.
 */
class ConfigReloadUnderLoadTest {
  /** Version 1: {@code switch} takes sendbird clients' static tokens, {@code limited} is unlimited, no {@code added}. */
  static final String V1 = """
        - name: switch
          platform: sendbird
          method: GET
          path: /switch
          upstream: UPSTREAM
          policy: { require: [static_token] }
        - name: stable
          method: GET
          path: /stable
          upstream: UPSTREAM
          policy: { require: [static_token] }
        - name: limited
          method: GET
          path: /limited
          upstream: UPSTREAM
          policy: { anonymous: true }
      """;
  /** Version 2: {@code switch} takes asapp clients' instead, {@code limited} allows 3 an hour, {@code added} is new. */
  static final String V2 = """
        - name: switch
          platform: asapp
          method: GET
          path: /switch
          upstream: UPSTREAM
          policy: { require: [static_token] }
        - name: stable
          method: GET
          path: /stable
          upstream: UPSTREAM
          policy: { require: [static_token] }
        - name: limited
          method: GET
          path: /limited
          upstream: UPSTREAM
          policy: { anonymous: true }
          rate_limits: [{ per: tool, limit: 3, period: 1h }]
        - name: added
          method: GET
          path: /added
          upstream: UPSTREAM
          policy: { anonymous: true }
      """;
  static final int CLIENTS = 6;

  /** One call of the load: what was asked and how it was answered. */
  record Call(String kind, int status, String code, String requestId) {}

  @Test
  void everyCallIsAnsweredByOneOfTheTwoVersionsAndItsAuditRecordSaysWhich() throws Exception {
    try (ReloadableHarness g = new ReloadableHarness(V1)) {
      ClientRecord sendbird = g.h.admin.createClient("sendbird-app", "sendbird");
      ClientRecord asapp = g.h.admin.createClient("asapp-app", "asapp");
      String tokenA = g.h.admin.createStaticToken(sendbird.id(), null).plaintext();
      String tokenB = g.h.admin.createStaticToken(asapp.id(), null).plaintext();
      g.start();
      String v1 = g.version();

      Queue<Call> calls = new ConcurrentLinkedQueue<>();
      Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int offset = c;
        Thread t = new Thread(() -> {
          String[] kinds = {"switch_a", "switch_b", "stable", "limited", "added"};
          for (int i = offset; !stop.get(); i++) {
            String kind = kinds[i % kinds.length];
            try {
              HttpResponse<String> r = switch (kind) {
                case "switch_a" -> g.get("/switch", "authorization", "Bearer " + tokenA);
                case "switch_b" -> g.get("/switch", "authorization", "Bearer " + tokenB);
                case "stable" -> g.get("/stable", "authorization", "Bearer " + tokenA);
                default -> g.get("/" + kind);
              };
              calls.add(new Call(kind, r.statusCode(), ReloadableHarness.code(r), ReloadableHarness.requestId(r)));
            } catch (Throwable e) {
              failures.add(e); // a dropped connection, a timeout, a body that is not what a refusal is
            }
          }
        }, "load-" + c);
        t.start();
        clients.add(t);
      }
      awaitCalls(calls, 200);
      String v2 = g.writeTools(V2);
      int before = calls.size();
      ConfigReloader.Outcome outcome = g.reload();
      assertThat(outcome.result()).isEqualTo(ConfigReloader.Result.RELOADED);
      assertThat(outcome.version()).isEqualTo(v2).isNotEqualTo(v1);
      assertThat(outcome.tools()).isEqualTo(4);
      awaitCalls(calls, before + 300);
      stop.set(true);
      for (Thread t : clients) {
        t.join(30_000);
      }

      assertThat(failures).as("no call failed at the HTTP level").isEmpty();
      Map<String, AuditEvent> audit = g.audit();
      int[] byVersion = new int[2];
      for (Call call : calls) {
        AuditEvent record = audit.get(call.requestId());
        assertThat(record).as("the audit record of %s", call).isNotNull();
        assertThat(record.code()).isEqualTo(call.code());
        String decidedBy = record.configVersion();
        assertThat(decidedBy).as("%s", call).isIn(v1, v2);
        byVersion[decidedBy.equals(v1) ? 0 : 1]++;
        // What each version answers for each call, and nothing else.
        String expected = switch (call.kind()) {
          case "switch_a" -> decidedBy.equals(v1) ? "ok" : "not_allowed";
          case "switch_b" -> decidedBy.equals(v1) ? "not_allowed" : "ok";
          case "stable" -> "ok";
          case "limited" -> decidedBy.equals(v1) ? "ok" : null; // v2: ok, or rate_limited once 3 were used
          default -> decidedBy.equals(v1) ? "route_not_found" : "ok";
        };
        if (expected == null) {
          assertThat(call.code()).as("%s under %s", call, decidedBy).isIn("ok", "rate_limited");
        } else {
          assertThat(call.code()).as("%s under %s", call, decidedBy).isEqualTo(expected);
        }
        assertThat(call.status()).isIn(200, 403, 404, 429);
      }
      assertThat(byVersion[0]).as("calls decided by version 1").isPositive();
      assertThat(byVersion[1]).as("calls decided by version 2").isPositive();
      assertThat(calls).filteredOn(c -> c.kind().equals("limited") && c.code().equals("rate_limited")).as("v2's limit was reached").isNotEmpty();

      // The new policy holds.
      assertThat(ReloadableHarness.code(g.get("/switch", "authorization", "Bearer " + tokenA))).isEqualTo("not_allowed");
      assertThat(g.get("/switch", "authorization", "Bearer " + tokenB).statusCode()).isEqualTo(200);
      assertThat(g.get("/added").statusCode()).isEqualTo(200);
      assertThat(ReloadableHarness.code(g.get("/limited"))).isEqualTo("rate_limited");
      assertThat(new JsonObject(g.get("/readyz").body()).getString("config_version")).isEqualTo(v2);
    }
  }

  private static void awaitCalls(Queue<Call> calls, int atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (calls.size() < atLeast) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + calls.size() + " calls within a minute");
      }
      Thread.sleep(10);
    }
  }
}
