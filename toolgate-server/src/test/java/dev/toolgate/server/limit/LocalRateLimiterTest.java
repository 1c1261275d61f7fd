package dev.toolgate.server.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.limit.LimitOutcome;
import dev.toolgate.core.limit.RateLimit;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest {
  @Test
  void aBucketEmptiesThenRefills() throws Exception {
    LocalRateLimiter limiter = new LocalRateLimiter(1000, Duration.ofMinutes(5));
    RateLimit three = new RateLimit(3, Duration.ofMillis(300));
    for (int i = 2; i >= 0; i--) {
      LimitOutcome o = limiter.tryConsume("client:a", three);
      assertThat(o.allowed()).isTrue();
      assertThat(o.remaining()).isEqualTo(i);
      assertThat(o.limit()).isEqualTo(3);
    }
    LimitOutcome refused = limiter.tryConsume("client:a", three);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfter()).isPositive();
    assertThat(limiter.tryConsume("client:b", three).allowed()).as("keys are independent").isTrue();
    Thread.sleep(refused.retryAfter().toMillis() + 50);
    assertThat(limiter.tryConsume("client:a", three).allowed()).as("refilled").isTrue();
  }

  @Test
  void peekNeverConsumes() {
    LocalRateLimiter limiter = new LocalRateLimiter(1000, Duration.ofMinutes(5));
    RateLimit two = new RateLimit(2, Duration.ofMinutes(1));
    assertThat(limiter.peek("ip:x", two).remaining()).as("an unknown key is full").isEqualTo(2);
    limiter.tryConsume("ip:x", two);
    assertThat(limiter.peek("ip:x", two).remaining()).isEqualTo(1);
    assertThat(limiter.peek("ip:x", two).allowed()).isTrue();
    limiter.tryConsume("ip:x", two);
    LimitOutcome empty = limiter.peek("ip:x", two);
    assertThat(empty.allowed()).isFalse();
    assertThat(empty.remaining()).isZero();
    assertThat(empty.retryAfter()).isPositive();
    assertThat(empty.resetAfter()).isPositive();
  }

  @Test
  void aBucketAskedForWithANewSizeKeepsWhatWasUsed() {
    LocalRateLimiter limiter = new LocalRateLimiter(1000, Duration.ofMinutes(5));
    RateLimit ten = new RateLimit(10, Duration.ofHours(1));
    for (int i = 0; i < 6; i++) {
      limiter.tryConsume("rl:t:client=a", ten);
    }
    // A reload raises the limit: 6 of the new 20 are used, not 0.
    LimitOutcome raised = limiter.tryConsume("rl:t:client=a", new RateLimit(20, Duration.ofHours(1)));
    assertThat(raised.allowed()).isTrue();
    assertThat(raised.limit()).isEqualTo(20);
    assertThat(raised.remaining()).isEqualTo(13);
    // Another lowers it below what was used: nothing is left, and nothing was reset.
    RateLimit five = new RateLimit(5, Duration.ofHours(1));
    assertThat(limiter.peek("rl:t:client=a", five).remaining()).isZero();
    LimitOutcome lowered = limiter.tryConsume("rl:t:client=a", five);
    assertThat(lowered.allowed()).isFalse();
    assertThat(lowered.limit()).isEqualTo(5);
    assertThat(limiter.tryConsume("rl:t:client=b", five).remaining()).as("other keys start full at the new size").isEqualTo(4);
  }
}
