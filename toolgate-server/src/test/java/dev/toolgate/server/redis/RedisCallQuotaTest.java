package dev.toolgate.server.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.limit.Charge;
import dev.toolgate.core.limit.LimitOutcome;
import dev.toolgate.core.limit.OnceKey;
import dev.toolgate.core.limit.QuotaOutcome;
import dev.toolgate.core.limit.QuotaRequest;
import dev.toolgate.core.limit.RateLimit;
import dev.toolgate.core.config.RedisNode;
import dev.toolgate.core.config.RedisSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** The quota script against a real Redis: GCRA buckets, all or nothing, once-only keys, and a Redis that goes away. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class RedisCallQuotaTest {
  static final RateLimit THREE_AN_HOUR = new RateLimit(3, Duration.ofHours(1));

  RedisServerProcess redis;
  RedisConnector connector;
  RedisCallQuota quota;
  int n;

  @BeforeAll
  void start() {
    redis = RedisServerProcess.start();
    connector = RedisConnector.start(settings(redis, Duration.ofMillis(300)));
    quota = new RedisCallQuota(connector, Clock.systemUTC());
    awaitConnected(connector);
  }

  /** The connector connects in the background: wait for its first answered PING. */
  static void awaitConnected(RedisConnector connector) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!connector.health().up()) {
      assertThat(System.nanoTime()).as("connected within 10 s").isLessThan(deadline);
      sleepQuietly(20);
    }
  }

  static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @AfterAll
  void stop() {
    connector.close();
    redis.close();
  }

  /** A key no other test uses. */
  String fresh(String prefix) {
    return prefix + ":" + (++n) + ":" + System.nanoTime();
  }

  QuotaOutcome settle(List<Charge> charges, List<OnceKey> once) {
    return quota.settle(new QuotaRequest(charges, once)).join();
  }

  @Test
  void aBucketGrantsItsCapacityCountingDownThenRefusesWithWhenToComeBack() {
    Charge c = new Charge(fresh("rl:tool"), THREE_AN_HOUR);
    for (long left = 2; left >= 0; left--) {
      QuotaOutcome outcome = settle(List.of(c), List.of());
      assertThat(outcome).isInstanceOf(QuotaOutcome.Granted.class);
      LimitOutcome o = ((QuotaOutcome.Granted) outcome).limits().get(0);
      assertThat(o.allowed()).isTrue();
      assertThat(o.limit()).isEqualTo(3);
      assertThat(o.remaining()).isEqualTo(left);
      // Full again after the missing tokens' share of the hour.
      assertThat(o.resetAfter()).isBetween(Duration.ofMinutes(20).multipliedBy(3 - left).minusSeconds(2), Duration.ofMinutes(20).multipliedBy(3 - left));
    }
    QuotaOutcome refused = settle(List.of(c), List.of());
    assertThat(refused).isInstanceOf(QuotaOutcome.Limited.class);
    LimitOutcome o = ((QuotaOutcome.Limited) refused).outcome();
    assertThat(o.allowed()).isFalse();
    assertThat(o.remaining()).isZero();
    assertThat(o.retryAfter()).as("one token comes back every 20 minutes").isBetween(Duration.ofMinutes(20).minusSeconds(2), Duration.ofMinutes(20));
    assertThat(quota.knownExhausted(c)).as("remembered locally").isTrue();
  }

  @Test
  void aRefusedChargeTakesNothingFromTheOthersAndUsesUpNothing() {
    Charge roomy = new Charge(fresh("rl:tool"), new RateLimit(10, Duration.ofHours(1)));
    Charge tight = new Charge(fresh("rl:tool"), new RateLimit(1, Duration.ofHours(1)));
    assertThat(settle(List.of(roomy, tight), List.of())).isInstanceOf(QuotaOutcome.Granted.class);
    OnceKey once = new OnceKey(fresh("webhook:cli"), Instant.now().plusSeconds(60));
    QuotaOutcome refused = settle(List.of(roomy, tight), List.of(once));
    assertThat(refused).isEqualTo(new QuotaOutcome.Limited(1, ((QuotaOutcome.Limited) refused).outcome()));
    QuotaOutcome.Granted alone = (QuotaOutcome.Granted) settle(List.of(roomy), List.of(once));
    assertThat(alone.limits().get(0).remaining()).as("the refused call took nothing from the roomy bucket").isEqualTo(8);
  }

  @Test
  void aOnceKeyIsUsedOnceAndAReplayTakesNoBudget() {
    Charge c = new Charge(fresh("rl:tool"), THREE_AN_HOUR);
    OnceKey once = new OnceKey(fresh("webhook:cli"), Instant.now().plusSeconds(60));
    assertThat(settle(List.of(c), List.of(once))).isInstanceOf(QuotaOutcome.Granted.class);
    assertThat(settle(List.of(c), List.of(once))).isEqualTo(new QuotaOutcome.Used(0));
    assertThat(settle(List.of(c), List.of(new OnceKey(fresh("other"), Instant.now().plusSeconds(60)), once))).isEqualTo(new QuotaOutcome.Used(1));
    QuotaOutcome.Granted next = (QuotaOutcome.Granted) settle(List.of(c), List.of());
    assertThat(next.limits().get(0).remaining()).as("the replays took nothing").isEqualTo(1);
  }

  @Test
  void aOnceKeyIsForgottenAfterItsTimePlusTheClockMargin() throws Exception {
    OnceKey once = new OnceKey(fresh("webhook:cli"), Instant.now().plusMillis(300));
    assertThat(settle(List.of(), List.of(once))).isInstanceOf(QuotaOutcome.Granted.class);
    assertThat(settle(List.of(), List.of(once))).isInstanceOf(QuotaOutcome.Used.class);
    long ttl = Long.parseLong(redis.command("PTTL", RedisCallQuota.onceKey(once.key())));
    assertThat(ttl).as("Redis expires it by itself, past its time by the margin for instances' clocks")
        .isGreaterThan(RedisCallQuota.CLOCK_SKEW_MARGIN.toMillis())
        .isLessThanOrEqualTo(RedisCallQuota.CLOCK_SKEW_MARGIN.toMillis() + 300);
  }

  @Test
  void aBucketRefillsEvenlyOverItsPeriod() throws Exception {
    Charge c = new Charge(fresh("rl:tool"), new RateLimit(2, Duration.ofMillis(400)));
    assertThat(settle(List.of(c), List.of())).isInstanceOf(QuotaOutcome.Granted.class);
    assertThat(settle(List.of(c), List.of())).isInstanceOf(QuotaOutcome.Granted.class);
    assertThat(settle(List.of(c), List.of())).isInstanceOf(QuotaOutcome.Limited.class);
    Thread.sleep(250); // one token comes back every 200 ms
    assertThat(settle(List.of(c), List.of())).isInstanceOf(QuotaOutcome.Granted.class);
    assertThat(settle(List.of(c), List.of())).isInstanceOf(QuotaOutcome.Limited.class);
  }

  @Test
  void aTokenGivenBackCanBeTakenAgain() {
    Charge c = new Charge(fresh("login:username"), new RateLimit(1, Duration.ofHours(1)));
    assertThat(settle(List.of(c), List.of())).isInstanceOf(QuotaOutcome.Granted.class);
    assertThat(settle(List.of(c), List.of())).isInstanceOf(QuotaOutcome.Limited.class);
    quota.giveBack(c).join();
    assertThat(settle(List.of(c), List.of())).isInstanceOf(QuotaOutcome.Granted.class);
  }

  @Test
  void keysAreHashTaggedByToolSoOneScriptCanChargeAToolsBucketsInACluster() {
    assertThat(RedisCallQuota.bucketKey("rl:orders:client=c1|user=u7")).isEqualTo("tg:{rl:orders}:client=c1|user=u7");
    assertThat(RedisCallQuota.bucketKey("rl:orders:tool")).isEqualTo("tg:{rl:orders}:tool");
    assertThat(RedisCallQuota.bucketKey("failed_auth:192.0.2.1")).isEqualTo("tg:{failed_auth:192.0.2.1}");
    assertThat(RedisCallQuota.onceKey("standard_webhooks:cli_1:abc")).isEqualTo("tg:{once:standard_webhooks:cli_1:abc}");
  }

  @Test
  void aRedisThatIsGoneIsUnavailableNeverAnAnswerAndComesBackWithoutANewConnector() throws Exception {
    RedisServerProcess own = RedisServerProcess.start();
    try (RedisConnector c = RedisConnector.start(settings(own, Duration.ofMillis(200)))) {
      RedisCallQuota q = new RedisCallQuota(c, Clock.systemUTC());
      Charge charge = new Charge(fresh("rl:tool"), THREE_AN_HOUR);
      awaitConnected(c);
      assertThat(q.settle(QuotaRequest.charge(charge)).join()).isInstanceOf(QuotaOutcome.Granted.class);
      own.kill();
      QuotaOutcome down = q.settle(QuotaRequest.charge(charge)).join(); // within the command timeout: the class timeout catches a hang
      assertThat(down).isInstanceOf(QuotaOutcome.Unavailable.class);
      own.restart();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      QuotaOutcome back;
      do {
        back = q.settle(QuotaRequest.charge(charge)).join();
      } while (!(back instanceof QuotaOutcome.Granted) && System.nanoTime() < deadline && sleep(100));
      assertThat(back).as("the script is loaded again into the restarted, empty Redis").isInstanceOf(QuotaOutcome.Granted.class);
    } finally {
      own.close();
    }
  }

  @Test
  void aCallThatGaveUpOnASlowRedisDoesNotLeaveItsMessageClaimedSoTheRetryPasses() throws Exception {
    RedisServerProcess own = RedisServerProcess.start();
    try (RedisConnector c = RedisConnector.start(settings(own, Duration.ofMillis(200)))) {
      awaitConnected(c);
      RedisCallQuota q = new RedisCallQuota(c, Clock.systemUTC());
      OnceKey message = new OnceKey("standard_webhooks:c1:" + fresh("slow"), Instant.now().plusSeconds(60));
      // Loaded first: otherwise the late EVALSHA would only find no script and change nothing.
      assertThat(q.settle(new QuotaRequest(List.of(), List.of(new OnceKey(fresh("warm"), Instant.now().plusSeconds(60))))).join())
          .isInstanceOf(QuotaOutcome.Granted.class);
      own.freeze(); // Redis stops answering, but will run what it was sent once it thaws
      assertThat(q.settle(new QuotaRequest(List.of(), List.of(message))).join()).isInstanceOf(QuotaOutcome.Unavailable.class);
      own.thaw();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      QuotaOutcome retry;
      do {
        retry = q.settle(new QuotaRequest(List.of(), List.of(message))).join();
      } while (retry instanceof QuotaOutcome.Unavailable && System.nanoTime() < deadline && sleep(50));
      assertThat(retry).as("the late claim was released, so the sender's retry is not a replay").isInstanceOf(QuotaOutcome.Granted.class);
      assertThat(q.settle(new QuotaRequest(List.of(), List.of(message))).join()).isEqualTo(new QuotaOutcome.Used(0));
    } finally {
      own.close();
    }
  }

  @Test
  void inAClusterEveryKeyKindWorksAndAReplayOrARefusedChargeStillTakesNothing() {
    try (RedisServerProcess node = RedisServerProcess.cluster();
        RedisConnector c = RedisConnector.start(new RedisSettings(RedisSettings.Topology.CLUSTER,
            List.of(new RedisNode("127.0.0.1", node.port())), null, 0, false, null, Optional.empty(), Duration.ofSeconds(1), Duration.ofSeconds(1), null, null))) {
      awaitConnected(c);
      RedisCallQuota q = new RedisCallQuota(c, Clock.systemUTC());
      // A tool's two buckets share its tag: one script charges both (a cluster refuses keys of two slots in one script).
      Charge client = new Charge("rl:orders:client=c1", new RateLimit(5, Duration.ofHours(1)));
      Charge tool = new Charge("rl:orders:tool", new RateLimit(1, Duration.ofHours(1)));
      OnceKey webhook = new OnceKey("standard_webhooks:c1:" + fresh("m"), Instant.now().plusSeconds(60));
      OnceKey token = new OnceKey("user_token:toolgate:" + fresh("t"), Instant.now().plusSeconds(60));
      assertThat(q.settle(new QuotaRequest(List.of(client, tool), List.of(webhook, token))).join()).isInstanceOf(QuotaOutcome.Granted.class);
      assertThat(q.settle(new QuotaRequest(List.of(client, tool), List.of(webhook))).join()).isEqualTo(new QuotaOutcome.Used(0));
      OnceKey fresh = new OnceKey("standard_webhooks:c1:" + fresh("m"), Instant.now().plusSeconds(60));
      QuotaOutcome limited = q.settle(new QuotaRequest(List.of(client, tool), List.of(fresh))).join();
      assertThat(limited).isInstanceOf(QuotaOutcome.Limited.class);
      // The refused call's claim was released: the same message passes once the bucket allows it.
      assertThat(q.settle(new QuotaRequest(List.of(client), List.of(fresh))).join()).isInstanceOf(QuotaOutcome.Granted.class);
      assertThat(q.settle(QuotaRequest.charge(new Charge("failed_auth:192.0.2.7", THREE_AN_HOUR))).join()).isInstanceOf(QuotaOutcome.Granted.class);
    }
  }

  static RedisSettings settings(RedisServerProcess server, Duration timeout) {
    return new RedisSettings(RedisSettings.Topology.STANDALONE, List.of(new RedisNode("127.0.0.1", server.port())), null, 0,
        false, null, Optional.empty(), timeout, Duration.ofSeconds(1), null, null);
  }

  static boolean sleep(long millis) throws InterruptedException {
    Thread.sleep(millis);
    return true;
  }
}
