package dev.toolgate.server;

import static dev.toolgate.server.PostgresCluster.refused;
import static dev.toolgate.server.PostgresCluster.status;
import static dev.toolgate.server.PostgresCluster.until;
import static dev.toolgate.server.PropagationIntegrationTest.NO_POLLING;
import static dev.toolgate.server.PropagationIntegrationTest.assertPropagates;
import static dev.toolgate.server.PropagationIntegrationTest.propagation;
import static dev.toolgate.server.PropagationIntegrationTest.awaitListening;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.port.ClientRecord;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * When announcements are lost: the listening connection is killed (it reconnects, reloads what it
 * may have missed, and hears the next change at once), or a change is made without one (polling
 * catches it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PropagationFallbackTest {
  /** Instance c's polling, for the announcement that never comes. */
  static final Duration SHORT_POLL = Duration.ofMillis(200);

  PostgresCluster cluster;
  Toolgate b;
  Toolgate c;
  private int clients;

  @BeforeAll
  void start() throws Exception {
    cluster = new PostgresCluster();
    b = cluster.start(NO_POLLING);
    c = cluster.start(SHORT_POLL);
    awaitListening(b);
    awaitListening(c);
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aKilledListenerReconnectsReloadsWhatItMissedAndHearsTheNextChangeAtOnce() throws Exception {
    String missed = apiKey();
    String next = apiKey();
    Supplier<HttpResponse<String>> callMissed = () -> cluster.get(b, "/keyed", "api-key", missed);
    Supplier<HttpResponse<String>> callNext = () -> cluster.get(b, "/keyed", "api-key", next);
    awaitOnB(callMissed, status(200));
    awaitOnB(callNext, status(200));
    // A change B never hears of (see unannounced): only the reload after reconnecting can bring it.
    unannounced("UPDATE api_keys SET revoked_at = 1 WHERE id = '" + keyId(missed) + "'");
    assertThat(callMissed.get().statusCode()).as("nothing was announced").isEqualTo(200);
    long connections = b.changeListener().connections();
    int pid = b.changeListener().backendPid();
    assertThat(pid).isPositive();

    cluster.sql("SELECT pg_terminate_backend(" + pid + ")");
    awaitTrue(() -> b.changeListener().connections() > connections, "B listens again");
    assertThat(b.changeListener().backendPid()).isNotEqualTo(pid);
    PostgresCluster.Outcome caughtUp = until(System.nanoTime(), Duration.ofSeconds(5), callMissed, refused(401, "api_key_revoked"));
    assertThat(caughtUp.met()).as("B reloads after reconnecting: %s", caughtUp.response().body()).isTrue();

    cluster.credentials.revokeApiKey(keyId(next));
    assertThat(propagation(System.nanoTime(), callNext, refused(401, "api_key_revoked"))).as("announced again").isNotNull();
    assertPropagates(() -> { // and as fast as before
      String another = apiKey();
      Supplier<HttpResponse<String>> call = () -> cluster.get(b, "/keyed", "api-key", another);
      awaitOnB(call, status(200));
      cluster.credentials.revokeApiKey(keyId(another));
      return propagation(System.nanoTime(), call, refused(401, "api_key_revoked"));
    });
  }

  @Test
  void aChangeThatWasNeverAnnouncedIsCaughtByPolling() {
    ClientRecord client = cluster.credentials.createClient("unannounced", "sendbird");
    String token = cluster.credentials.createStaticToken(client.id(), null).plaintext();
    Supplier<HttpResponse<String>> onB = () -> cluster.get(b, "/bearer", "authorization", "Bearer " + token);
    Supplier<HttpResponse<String>> onC = () -> cluster.get(c, "/bearer", "authorization", "Bearer " + token);
    awaitOnB(onB, status(200));
    awaitOnB(onC, status(200));

    unannounced("UPDATE clients SET enabled = 0 WHERE id = '" + client.id() + "'");
    PostgresCluster.Outcome polled = until(System.nanoTime(), Duration.ofSeconds(5), onC, refused(403, "client_disabled"));
    assertThat(polled.met()).as("c polls every %s: %s", SHORT_POLL, polled.response().body()).isTrue();
    assertThat(polled.after()).isLessThan(SHORT_POLL.multipliedBy(10));
    // b, which polls once an hour, did not hear of it: no announcement was sent.
    assertThat(onB.get().statusCode()).isEqualTo(200);
  }

  /**
   * Changes the store and moves its revision, as the store classes do, but in replica mode, where
   * triggers do not fire: nothing is announced, as if the announcement were lost.
   */
  private void unannounced(String update) {
    cluster.sql("SET session_replication_role = replica; " + update + "; UPDATE store_revision SET revision = revision + 1 WHERE id = 1");
  }

  private String apiKey() {
    ClientRecord client = cluster.credentials.createClient("fallback-" + ++clients, "sendbird");
    return cluster.credentials.createApiKey(client.id(), Set.of("*"), null).plaintext();
  }

  private String keyId(String plaintext) {
    String digest = dev.toolgate.core.secret.SecretDigest.of(plaintext);
    return cluster.credentials.listApiKeys(null).stream().filter(k -> k.digest().equals(digest)).findFirst().orElseThrow().id();
  }

  private static void awaitOnB(Supplier<HttpResponse<String>> call, java.util.function.Predicate<HttpResponse<String>> wanted) {
    PostgresCluster.Outcome o = until(System.nanoTime(), Duration.ofSeconds(10), call, wanted);
    assertThat(o.met()).as("set-up: last answer %s %s", o.response().statusCode(), o.response().body()).isTrue();
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what + " within 10 s").isLessThan(deadline);
      Thread.sleep(5);
    }
  }
}
