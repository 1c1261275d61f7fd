package dev.toolgate.server.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Logins of one account at once, more than its failure limit: none is refused for the allowance the
 * others hold while their passwords are checked; failures still refuse, and parallel guesses still
 * get no more checks than the limit. Real InMemoryLoginThrottle buckets; a check holds its
 * reservation for 50 ms, as a password hash would.
 */
class LoginsInFlightTest {
  private static final LoginThrottle.Limits TWO_PER_USER = new LoginThrottle.Limits(2, Duration.ofMinutes(15), 20, Duration.ofMinutes(15));

  final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T09:00:00Z"));
  final LoginsInFlight throttle = new LoginsInFlight(new InMemoryLoginThrottle(TWO_PER_USER, clock));
  final ExecutorService pool = Executors.newFixedThreadPool(12);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** {@code n} logins of "shared" started together; each checked for 50 ms and then settled as {@code right}. */
  private List<Boolean> together(int n, boolean right) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Boolean>> logins = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      logins.add(pool.submit(() -> {
        start.await();
        LoginThrottle.Attempt attempt = throttle.begin("shared", "10.0.0.1");
        if (!attempt.allowed()) {
          return false;
        }
        Thread.sleep(50);
        if (right) {
          attempt.succeeded();
        } else {
          attempt.failed();
        }
        return true;
      }));
    }
    start.countDown();
    List<Boolean> allowed = new ArrayList<>();
    for (Future<Boolean> login : logins) {
      allowed.add(login.get(30, TimeUnit.SECONDS));
    }
    return allowed;
  }

  @Test
  void sixLoginsOfOneAccountAtOnceWithALimitOfTwoAreAllChecked() throws Exception {
    assertThat(together(6, true)).containsOnly(true);
    assertThat(throttle.keysInFlight()).isZero();
  }

  @Test
  void parallelGuessesGetNoMoreChecksThanTheLimit() throws Exception {
    assertThat(together(10, false)).filteredOn(allowed -> allowed).hasSize(2);
    LoginThrottle.Attempt rightPassword = throttle.begin("shared", "10.0.0.2");
    assertThat(rightPassword.allowed()).as("used up by failures: refused at once, even the right password").isFalse();
    assertThat(rightPassword.retryAfter()).isEqualTo(Duration.ofMinutes(15).dividedBy(2));
    assertThat(throttle.keysInFlight()).isZero();
  }

  @Test
  void anotherAccountBehindTheSameAddressIsNotHeldUp() throws Exception {
    LoginThrottle.Attempt first = throttle.begin("alice", "10.0.0.1");
    first.failed();
    throttle.begin("alice", "10.0.0.1").failed();
    LoginThrottle.Attempt bob = throttle.begin("bob", "10.0.0.1");
    assertThat(bob.allowed()).isTrue();
    bob.succeeded();
    assertThat(throttle.begin("alice", "10.0.0.1").allowed()).isFalse();
    assertThat(throttle.keysInFlight()).isZero();
  }
}
