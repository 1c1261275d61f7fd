package dev.toolgate.server.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InMemoryReplayCacheTest {
  static final Instant START = Instant.parse("2026-03-01T12:00:00Z");

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    volatile Instant now = START;

    void advanceMillis(long millis) {
      now = now.plusMillis(millis);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  final MovableClock clock = new MovableClock();
  final InMemoryReplayCache cache = new InMemoryReplayCache(1000, clock);

  @Test
  void aKeyIsAcceptedOnceUntilItsExpiry() {
    Instant until = START.plusSeconds(301);
    assertThat(cache.firstUse("standard_webhooks:cli_1:abc", until)).isTrue();
    assertThat(cache.firstUse("standard_webhooks:cli_1:abc", until)).isFalse();
    clock.advanceMillis(300_999);
    assertThat(cache.firstUse("standard_webhooks:cli_1:abc", until)).isFalse();
    clock.advanceMillis(1);
    assertThat(cache.firstUse("standard_webhooks:cli_1:abc", START.plusSeconds(700))).as("expired: a first use again").isTrue();
    assertThat(cache.firstUse("standard_webhooks:cli_1:abc", START.plusSeconds(700))).isFalse();
  }

  @Test
  void aRefusedUseDoesNotExtendTheEntry() {
    assertThat(cache.firstUse("k", START.plusSeconds(10))).isTrue();
    clock.advanceMillis(5_000);
    assertThat(cache.firstUse("k", START.plusSeconds(1000))).isFalse();
    clock.advanceMillis(5_000);
    assertThat(cache.firstUse("k", START.plusSeconds(1000))).isTrue();
  }

  @Test
  void eachEntryExpiresAtItsOwnTime() {
    assertThat(cache.firstUse("short", START.plusSeconds(5))).isTrue();
    assertThat(cache.firstUse("long", START.plusSeconds(600))).isTrue();
    clock.advanceMillis(10_000);
    assertThat(cache.firstUse("short", START.plusSeconds(20))).isTrue();
    assertThat(cache.firstUse("long", START.plusSeconds(600))).isFalse();
  }

  @Test
  void keysAreIndependent() {
    assertThat(cache.firstUse("standard_webhooks:cli_1:abc", START.plusSeconds(60))).isTrue();
    assertThat(cache.firstUse("standard_webhooks:cli_2:abc", START.plusSeconds(60))).isTrue();
    assertThat(cache.firstUse("stripe_signature:cli_1:abc", START.plusSeconds(60))).isTrue();
  }

  @Test
  void anAlreadyExpiredEntryIsNotKept() {
    assertThat(cache.firstUse("past", START.minusSeconds(1))).isTrue();
    assertThat(cache.firstUse("past", START.plusSeconds(60))).isTrue();
  }

  @Test
  void ofManyConcurrentUsesOfOneKeyExactlyOneWins() throws Exception {
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 50; round++) {
        String key = "race-" + round;
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger winners = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          done.add(pool.submit(() -> {
            go.await();
            if (cache.firstUse(key, START.plusSeconds(60))) {
              winners.incrementAndGet();
            }
            return null;
          }));
        }
        go.countDown();
        for (Future<?> f : done) {
          f.get(10, TimeUnit.SECONDS);
        }
        assertThat(winners.get()).as("round " + round).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theSizeIsBoundedAndEarlyEvictionsAreCounted() {
    InMemoryReplayCache small = new InMemoryReplayCache(10, clock);
    for (int i = 0; i < 100; i++) {
      assertThat(small.firstUse("k" + i, START.plusSeconds(300))).isTrue();
    }
    assertThat(small.size()).isLessThanOrEqualTo(10);
    assertThat(small.evictedEarly()).isGreaterThanOrEqualTo(90);
    assertThat(cache.evictedEarly()).isZero();
  }

  @Test
  void expiredEntriesAreNotCountedAsEarlyEvictions() {
    InMemoryReplayCache small = new InMemoryReplayCache(10, clock);
    for (int i = 0; i < 10; i++) {
      small.firstUse("old" + i, START.plusSeconds(1));
    }
    clock.advanceMillis(2_000);
    for (int i = 0; i < 10; i++) {
      small.firstUse("new" + i, START.plusSeconds(300));
    }
    small.firstUse("new-last", START.plusSeconds(300)); // one over the bound, but 10 of the 20 had expired
    assertThat(small.evictedEarly()).isLessThanOrEqualTo(1);
  }

  @Test
  void aPositiveSizeIsRequired() {
    assertThatThrownBy(() -> new InMemoryReplayCache(0, clock)).isInstanceOf(IllegalArgumentException.class);
  }
}
