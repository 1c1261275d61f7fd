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
}
