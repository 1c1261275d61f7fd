package dev.toolgate.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.limit.LimitKey;
import dev.toolgate.core.limit.RateLimit;
import dev.toolgate.core.limit.ToolRateLimit;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bucket keys name the tool and who is counted. A user id comes from a token (a trusted issuer's
 * {@code sub} may hold any character): whatever it holds, two different buckets never get one key.
 */
class BucketKeyTest {
  static final RateLimit TEN = new RateLimit(10, Duration.ofMinutes(1));
  static final ToolRateLimit PER_USER = new ToolRateLimit(List.of(LimitKey.USER), TEN);
  static final ToolRateLimit PER_USER_AND_IP = new ToolRateLimit(List.of(LimitKey.USER, LimitKey.IP), TEN);
  static final ToolRateLimit PER_CLIENT_AND_USER = new ToolRateLimit(List.of(LimitKey.CLIENT, LimitKey.USER), TEN);

  @Test
  void aUserIdThatLooksLikeTheRestOfAKeyGetsABucketOfItsOwn() {
    // User "alice" calling from 192.0.2.1, and a user whose sub is "alice|ip=192.0.2.1" calling from anywhere.
    String alicesBucket = BucketKey.of("orders", PER_USER_AND_IP, 0, null, "alice", "192.0.2.1");
    String lookalike = BucketKey.of("orders", PER_USER, 0, null, "alice|ip=192.0.2.1", "198.51.100.7");
    assertThat(lookalike).isNotEqualTo(alicesBucket);
  }

  @Test
  void aUserIdCannotReachAnotherClientsBucket() {
    String clientTwo = BucketKey.of("orders", PER_CLIENT_AND_USER, 0, "c2", "bob", "192.0.2.1");
    String viaUser = BucketKey.of("orders", PER_CLIENT_AND_USER, 0, "c1", "x|client=c2|user=bob", "192.0.2.1");
    assertThat(viaUser).isNotEqualTo(clientTwo);
    assertThat(BucketKey.of("orders", PER_USER, 0, null, "%7C", "192.0.2.1"))
        .isNotEqualTo(BucketKey.of("orders", PER_USER, 0, null, "|", "192.0.2.1"));
  }

  @Test
  void ordinaryIdsKeepTheirKeys() {
    assertThat(BucketKey.of("orders", PER_CLIENT_AND_USER, 0, "cl_1", "usr_7", "192.0.2.1")).isEqualTo("rl:orders:client=cl_1|user=usr_7");
    assertThat(BucketKey.of("orders", PER_USER_AND_IP, 0, null, "a@b.example", "2001:db8::1"))
        .isEqualTo("rl:orders:user=a@b.example|ip=2001:db8::1");
  }

  @Test
  void twoLimitsCountingByTheSameKeysHaveTwoBucketsThatAUserIdCannotSpell() {
    ToolRateLimit burst = new ToolRateLimit(List.of(LimitKey.USER), new RateLimit(5, Duration.ofSeconds(1)));
    ToolRateLimit perIp = new ToolRateLimit(List.of(LimitKey.IP), TEN);
    List<ToolRateLimit> limits = List.of(PER_USER, perIp, burst);
    assertThat(List.of(BucketKey.twin(limits, 0), BucketKey.twin(limits, 1), BucketKey.twin(limits, 2))).containsExactly(0, 0, 1);
    String second = BucketKey.of("orders", burst, 1, null, "alice", "192.0.2.1");
    assertThat(second).isEqualTo("rl:orders:user=alice|#2");
    // A user named "alice|#2" is escaped, so it does not share the second bucket of "alice".
    assertThat(BucketKey.of("orders", PER_USER, 0, null, "alice|#2", "192.0.2.1")).isNotEqualTo(second);
    assertThat(BucketKey.of("orders", PER_USER, 0, null, "alice", "192.0.2.1")).isNotEqualTo(second);
  }
}
