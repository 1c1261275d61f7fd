package dev.toolgate.server.redis;

import static dev.toolgate.server.redis.RedisCallQuotaTest.awaitConnected;
import static dev.toolgate.server.redis.RedisCallQuotaTest.settings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.RedisNode;
import dev.toolgate.core.config.RedisSettings;
import dev.toolgate.core.limit.OnceKey;
import dev.toolgate.core.limit.QuotaOutcome;
import dev.toolgate.core.limit.QuotaRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A once-only claim under network and Redis faults: whatever the fault, a message is either claimed
 * by the call that got it through, or free again for the sender's retry. Never claimed by a call
 * that was answered 503, and never "used" for the call that claimed it.
 */
@Timeout(60)
class RedisClaimFaultsTest {

  static OnceKey message(String name) {
    return new OnceKey("standard_webhooks:c1:" + name + "-" + System.nanoTime(), Instant.now().plusSeconds(60));
  }

  static QuotaRequest claim(OnceKey key) {
    return new QuotaRequest(List.of(), List.of(key));
  }

  /** Polls {@code EXISTS} on the claim's key until it is gone or the deadline passes. */
  static boolean released(RedisServerProcess redis, OnceKey key, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    do {
      if ("0".equals(redis.command("EXISTS", RedisCallQuota.onceKey(key.key())))) {
        return true;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    return false;
  }

  @Test
  void aClaimThatTimedOutIsReleasedEvenInARedisThatNeverRanTheReleaseScript() throws Exception {
    // A fresh Redis (as after a restart): the quota script gets loaded by the first call, the
    // release script never was. The release after a timeout must not depend on it being cached.
    try (RedisServerProcess own = RedisServerProcess.start();
        RedisConnector c = RedisConnector.start(settings(own, Duration.ofMillis(200)))) {
      awaitConnected(c);
      RedisCallQuota q = new RedisCallQuota(c, Clock.systemUTC());
      assertThat(q.settle(claim(message("warm"))).join()).isInstanceOf(QuotaOutcome.Granted.class);
      OnceKey slow = message("slow");
      own.freeze();
      assertThat(q.settle(claim(slow)).join()).isInstanceOf(QuotaOutcome.Unavailable.class);
      Thread.sleep(300); // the release, sent after the timeout, times out too while Redis is still frozen
      own.thaw();
      assertThat(released(own, slow, Duration.ofSeconds(3)))
          .as("the call was answered 503: its late claim must be released, or the sender's retry is refused as a replay")
          .isTrue();
      assertThat(q.settle(claim(slow)).join()).isInstanceOf(QuotaOutcome.Granted.class);
    }
  }

  @Test
  void releasesAreRetriedWhileRedisIsAwayAndStopWhenTheServerStops() throws Exception {
    RedisServerProcess own = RedisServerProcess.start();
    RedisConnector c = RedisConnector.start(settings(own, Duration.ofMillis(200)));
    try {
      awaitConnected(c);
      RedisCallQuota q = new RedisCallQuota(c, Clock.systemUTC());
      own.kill();
      assertThat(q.settle(claim(message("away"))).join()).isInstanceOf(QuotaOutcome.Unavailable.class);
      assertThat(q.releasesRetrying()).as("the release could not be sent: it is retried").isEqualTo(1);
      c.close();
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (q.releasesRetrying() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(q.releasesRetrying()).as("nothing goes on retrying in a stopped server").isZero();
    } finally {
      c.close();
      own.close();
    }
  }

  @Test
  void aMessageClaimedByAnInstanceWhoseClockRunsAheadIsStillRefusedElsewhereUntilItsWindowEnds() throws Exception {
    try (RedisServerProcess own = RedisServerProcess.start();
        RedisConnector c = RedisConnector.start(settings(own, Duration.ofSeconds(1)))) {
      awaitConnected(c);
      // Two instances on one Redis; the first one's clock is 2 s ahead (NTP not yet synced, a VM resumed).
      RedisCallQuota ahead = new RedisCallQuota(c, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(2)));
      RedisCallQuota onTime = new RedisCallQuota(c, Clock.systemUTC());
      // The message's window ends 3 s from now (its timestamp plus replay_tolerance), the same for both.
      OnceKey hook = new OnceKey("standard_webhooks:c1:skew-" + System.nanoTime(), Instant.now().plusSeconds(3));
      assertThat(ahead.settle(claim(hook)).join()).isInstanceOf(QuotaOutcome.Granted.class);
      Thread.sleep(1500);
      assertThat(Instant.now()).as("still inside the window").isBefore(hook.until());
      assertThat(onTime.settle(claim(hook)).join()).as("a replay to the instance with the right time, inside the window")
          .isEqualTo(new QuotaOutcome.Used(0));
    }
  }

  @Test
  void aScriptRunTwiceBecauseItsReplyWasLostDoesNotCallItsOwnClaimAReplay() throws Exception {
    try (RedisServerProcess own = RedisServerProcess.start(); ReplyDroppingProxy proxy = new ReplyDroppingProxy(own.port());
        RedisConnector c = RedisConnector.start(new RedisSettings(RedisSettings.Topology.STANDALONE,
            List.of(new RedisNode("127.0.0.1", proxy.port())), null, 0, false, null, Optional.empty(), Duration.ofSeconds(3),
            Duration.ofSeconds(1), null, null))) {
      awaitConnected(c);
      RedisCallQuota q = new RedisCallQuota(c, Clock.systemUTC());
      assertThat(q.settle(claim(message("warm"))).join()).isInstanceOf(QuotaOutcome.Granted.class);
      OnceKey first = message("first");
      proxy.dropNextArrayReply();
      QuotaOutcome outcome = q.settle(claim(first)).join();
      assertThat(proxy.dropped()).as("the reply was lost after Redis ran the script").isTrue();
      assertThat(outcome).as("the first and only call with this message is never told it was used before")
          .isNotInstanceOf(QuotaOutcome.Used.class);
      if (outcome instanceof QuotaOutcome.Granted) {
        assertThat(q.settle(claim(first)).join()).as("a replay after it").isEqualTo(new QuotaOutcome.Used(0));
      } else {
        assertThat(released(own, first, Duration.ofSeconds(5))).as("answered 503: the claim is released for the retry").isTrue();
      }
    }
  }
}
