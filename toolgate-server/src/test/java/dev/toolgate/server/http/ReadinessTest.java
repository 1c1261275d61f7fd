package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What /readyz reports of each dependency, and when that makes the instance not ready. */
class ReadinessTest {
  @Test
  void anUnreachableStoreIsReportedButKeepsTheInstanceReadyWhileRecordsAreKept() {
    Readiness readiness = new Readiness();
    readiness.credentialsLoaded(0);
    readiness.store(false);
    for (String kept : new String[] {"ok", "buffering", "spilling"}) {
      readiness.watchAudit(() -> kept);
      JsonObject body = readiness.toJson();
      assertThat(readiness.isReady()).as(kept).isTrue();
      assertThat(body.getString("store")).isEqualTo("down");
      assertThat(body.getString("audit")).isEqualTo(kept);
      assertThat(body.getString("reason")).isEqualTo("ready");
    }
    readiness.store(true);
    assertThat(readiness.toJson().getString("store")).isEqualTo("up");
  }

  @Test
  void losingRecordsMakesItNotReadyUntilTheyAreKeptAgain() {
    Readiness readiness = new Readiness();
    readiness.credentialsLoaded(0);
    AtomicReference<String> audit = new AtomicReference<>("losing");
    readiness.watchAudit(audit::get);
    assertThat(readiness.isReady()).isFalse();
    assertThat(readiness.reason()).contains("audit records are being lost");
    audit.set("spilling");
    assertThat(readiness.isReady()).as("read live, not as of the last store poll").isTrue();
  }

  @Test
  void everyReasonIsGivenAndShuttingDownSaysItAlone() {
    Readiness readiness = new Readiness();
    AtomicBoolean redis = new AtomicBoolean(false);
    readiness.watchRedis(redis::get);
    readiness.credentialsLoaded(2);
    readiness.store(false);
    readiness.watchAudit(() -> "losing");
    assertThat(readiness.reason()).contains("cannot be decrypted").contains("audit records are being lost").contains("redis unreachable");
    assertThat(readiness.toJson().getString("redis")).isEqualTo("down");
    readiness.shuttingDown();
    assertThat(readiness.reason()).isEqualTo("shutting down");
  }

  @Test
  void redisDownAloneMakesItNotReady() {
    Readiness readiness = new Readiness();
    AtomicBoolean redis = new AtomicBoolean(true);
    readiness.watchRedis(redis::get);
    readiness.credentialsLoaded(0);
    assertThat(readiness.isReady()).isTrue();
    redis.set(false);
    assertThat(readiness.isReady()).isFalse();
    assertThat(readiness.toJson().getString("status")).isEqualTo("not_ready");
  }
}
