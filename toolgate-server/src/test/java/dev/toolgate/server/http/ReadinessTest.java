package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What /readyz reports of the store and the audit records, and when that makes the instance not ready. */
class ReadinessTest {
  @Test
  void anUnreachableStoreIsReportedButKeepsTheInstanceReadyWhileRecordsAreKept() {
    Readiness readiness = new Readiness();
    readiness.credentialsLoaded(0);
    for (String kept : new String[] {"ok", "buffering", "spilling"}) {
      readiness.store(false, kept);
      assertThat(readiness.isReady()).as(kept).isTrue();
      assertThat(readiness.store()).isEqualTo("unreachable");
      assertThat(readiness.audit()).isEqualTo(kept);
      assertThat(readiness.reason()).isEqualTo("ready");
    }
    readiness.store(true, "ok");
    assertThat(readiness.store()).isEqualTo("ok");
  }

  @Test
  void losingRecordsMakesItNotReadyUntilTheyAreKeptAgain() {
    Readiness readiness = new Readiness();
    readiness.credentialsLoaded(0);
    readiness.store(false, "losing");
    assertThat(readiness.isReady()).isFalse();
    assertThat(readiness.reason()).contains("audit records are being lost");
    readiness.store(true, "spilling");
    assertThat(readiness.isReady()).isTrue();
  }

  @Test
  void anEarlierReasonWins() {
    Readiness readiness = new Readiness();
    readiness.notReady("shutting down");
    readiness.store(false, "losing");
    assertThat(readiness.reason()).isEqualTo("shutting down");
  }
}
