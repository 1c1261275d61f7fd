package dev.toolgate.server.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryLoginThrottleTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T09:00:00Z"));
  final InMemoryLoginThrottle throttle = new InMemoryLoginThrottle(LoginThrottle.Limits.DEFAULT, clock);

  @Test
  void fiveFailuresPerUsernameThenRefusedUntilAllowanceComesBack() {
    for (int i = 0; i < 5; i++) {
      LoginThrottle.Attempt attempt = throttle.begin("alice", "10.0.0." + i);
      assertThat(attempt.allowed()).isTrue();
      attempt.failed();
    }
    LoginThrottle.Attempt refused = throttle.begin("alice", "10.0.0.99");
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofMinutes(3)); // 15 min / 5
    assertThat(throttle.begin("bob", "10.0.0.99").allowed()).as("other users unaffected").isTrue();

    clock.advance(Duration.ofMinutes(3));
    assertThat(throttle.begin("alice", "10.0.0.99").allowed()).isTrue();
  }

  @Test
  void twentyFailuresPerAddressWhateverTheUsername() {
    for (int i = 0; i < 20; i++) {
      LoginThrottle.Attempt attempt = throttle.begin("user" + i, "192.0.2.7");
      assertThat(attempt.allowed()).isTrue();
      attempt.failed();
    }
    LoginThrottle.Attempt refused = throttle.begin("someone-new", "192.0.2.7");
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(45)); // 15 min / 20
    assertThat(throttle.begin("someone-new", "192.0.2.8").allowed()).isTrue();
  }

  @Test
  void withoutAnAddressLimitOnlyUsernamesAreCounted() {
    InMemoryLoginThrottle perUsername = new InMemoryLoginThrottle(LoginThrottle.Limits.DEFAULT.withoutAddressLimit(), clock);
    for (int i = 0; i < 100; i++) {
      LoginThrottle.Attempt attempt = perUsername.begin("user" + i, "192.0.2.7");
      assertThat(attempt.allowed()).as("attempt %d", i).isTrue();
      attempt.failed();
    }
    for (int i = 0; i < 4; i++) {
      perUsername.begin("user0", "192.0.2.7").failed();
    }
    assertThat(perUsername.begin("user0", "192.0.2.7").allowed()).as("the username limit still holds").isFalse();
  }

  @Test
  void successesAndCancelledAttemptsCountForNothing() {
    for (int i = 0; i < 50; i++) {
      throttle.begin("carol", "198.51.100.1").succeeded();
      throttle.begin("carol", "198.51.100.1").cancelled();
    }
    for (int i = 0; i < 5; i++) {
      LoginThrottle.Attempt attempt = throttle.begin("carol", "198.51.100.1");
      assertThat(attempt.allowed()).isTrue();
      attempt.failed();
    }
    assertThat(throttle.begin("carol", "198.51.100.1").allowed()).isFalse();
  }

  @Test
  void aSuccessDoesNotResetEarlierFailures() {
    for (int i = 0; i < 4; i++) {
      throttle.begin("dave", "203.0.113.1").failed();
    }
    throttle.begin("dave", "203.0.113.1").succeeded();
    LoginThrottle.Attempt fifth = throttle.begin("dave", "203.0.113.1");
    assertThat(fifth.allowed()).isTrue();
    fifth.failed();
    assertThat(throttle.begin("dave", "203.0.113.1").allowed()).isFalse();
  }

  @Test
  void reservationsStopConcurrentGuessesAtTheLimit() {
    // Ten attempts begin before any has an outcome: only five get through.
    int allowed = 0;
    for (int i = 0; i < 10; i++) {
      if (throttle.begin("erin", "203.0.113.2").allowed()) {
        allowed++;
      }
    }
    assertThat(allowed).isEqualTo(5);
  }

  @Test
  void aRefusalByUsernameDoesNotCostTheAddressAnything() {
    for (int i = 0; i < 5; i++) {
      throttle.begin("frank", "203.0.113.3").failed();
    }
    for (int i = 0; i < 10; i++) {
      assertThat(throttle.begin("frank", "203.0.113.3").allowed()).isFalse();
    }
    // 5 failures used of the address's 20; the 10 refusals took none.
    for (int i = 0; i < 15; i++) {
      LoginThrottle.Attempt attempt = throttle.begin("other" + i, "203.0.113.3");
      assertThat(attempt.allowed()).as("attempt %d", i).isTrue();
      attempt.failed();
    }
    assertThat(throttle.begin("other-more", "203.0.113.3").allowed()).isFalse();
  }

  @Test
  void ipv6AddressesCountPerSlash64() {
    assertThat(InMemoryLoginThrottle.addressKey("2001:db8:1:2:aaaa::1"))
        .isEqualTo(InMemoryLoginThrottle.addressKey("2001:db8:1:2:bbbb:cccc:dddd:eeee"))
        .isEqualTo("20010db800010002::/64");
    assertThat(InMemoryLoginThrottle.addressKey("2001:db8:1:3::1")).isNotEqualTo(InMemoryLoginThrottle.addressKey("2001:db8:1:2::1"));
    assertThat(InMemoryLoginThrottle.addressKey("[::1]")).isEqualTo("0000000000000000::/64");
    assertThat(InMemoryLoginThrottle.addressKey("10.1.2.3")).isEqualTo("10.1.2.3");
    assertThat(InMemoryLoginThrottle.addressKey("cafe")).as("never a name lookup").isEqualTo("cafe");
    assertThat(InMemoryLoginThrottle.addressKey(null)).isEqualTo("unknown");
  }

  @Test
  void longUsernamesAreKeyedByDigest() {
    assertThat(InMemoryLoginThrottle.usernameKey("alice")).isEqualTo("alice");
    String huge = "x".repeat(8000);
    assertThat(InMemoryLoginThrottle.usernameKey(huge)).startsWith("sha256:").hasSize(7 + 64);
    for (int i = 0; i < 5; i++) {
      throttle.begin(huge, "10.9.9." + i).failed();
    }
    assertThat(throttle.begin(huge, "10.9.9.9").allowed()).isFalse();
  }
}
