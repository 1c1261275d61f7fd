package dev.toolgate.server.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.toolgate.core.limit.Charge;
import dev.toolgate.core.limit.LimitOutcome;
import dev.toolgate.core.limit.OnceKey;
import dev.toolgate.core.limit.QuotaOutcome;
import dev.toolgate.core.limit.QuotaRequest;
import dev.toolgate.core.config.RedisSettings;
import dev.toolgate.core.port.CallQuota;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link CallQuota} several instances share: one call's charges and one-time uses settled by one
 * Lua script ({@code redis/quota.lua}: GCRA buckets on Redis's clock, once-only keys set with an
 * expiry), so one network round trip per limited call and N instances count exactly like one.
 *
 * <p>Keys are hash-tagged so a Redis Cluster can run the script: a tool's buckets share the tool's
 * tag, a once-only key and a failed-authentication bucket have their own. In a cluster a call with
 * both is settled in two steps ({@link #settleAcrossSlots}); elsewhere in one.
 *
 * <p>Never throws: a Redis that cannot answer within its timeout gives {@link QuotaOutcome.Unavailable}.
 */
public final class RedisCallQuota implements CallQuota {
  static final RedisScript SCRIPT = RedisScript.load("redis/quota.lua");
  static final RedisScript REFUND = RedisScript.load("redis/refund.lua");
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
  private static final long MAX_REMEMBERED_EXHAUSTED = 100_000;
  /**
   * How much longer than its window a one-time use is kept. The window (a signed timestamp plus
   * replay_tolerance) is judged on each instance's own clock, and the key's expiry is counted from
   * the claiming instance's clock: without a margin, an instance running d ahead would let the key
   * go d early, and one running behind would still accept the message after it went.
   */
  static final Duration CLOCK_SKEW_MARGIN = Duration.ofSeconds(60);

  private final RedisConnector redis;
  private final Clock clock;
  private final boolean cluster;
  private final ClaimReleases releases;
  /** Buckets this instance saw empty, until when (epoch ms): spares fetches, never decides. */
  private final Cache<String, Long> exhaustedUntil = Caffeine.newBuilder().maximumSize(MAX_REMEMBERED_EXHAUSTED)
      .expireAfterWrite(Duration.ofHours(1)).build();

  public RedisCallQuota(RedisConnector redis, Clock clock) {
    this.redis = redis;
    this.clock = clock;
    this.cluster = redis.settings().topology() == RedisSettings.Topology.CLUSTER;
    this.releases = new ClaimReleases(redis, clock);
  }

  @Override
  public CompletableFuture<QuotaOutcome> settle(QuotaRequest request) {
    if (request.isEmpty()) {
      return CompletableFuture.completedFuture(new QuotaOutcome.Granted(List.of()));
    }
    String token = claimToken();
    if (cluster && request.once().size() + (request.charges().isEmpty() ? 0 : 1) > 1) {
      return settleAcrossSlots(request, token);
    }
    return run(request, token);
  }

  /** What this call's once-only keys are set to: only the call holding it may release them. */
  private static String claimToken() {
    return Long.toHexString(RANDOM.nextLong());
  }

  /**
   * In a cluster each one-time use and the tool's buckets live in different slots, and no script can
   * see two slots: the uses are claimed one by one, then the buckets charged; a refusal releases what
   * was claimed. A replay racing its original within those round trips is refused even if the
   * original then is too (it was in flight): nothing is ever let through twice.
   */
  private CompletableFuture<QuotaOutcome> settleAcrossSlots(QuotaRequest request, String token) {
    return claim(request.once(), 0, token).thenCompose(claimed -> {
      if (!(claimed instanceof QuotaOutcome.Granted) || request.charges().isEmpty()) {
        return CompletableFuture.completedFuture(claimed);
      }
      return run(new QuotaRequest(request.charges(), List.of()), token)
          .thenCompose(charged -> charged instanceof QuotaOutcome.Granted ? CompletableFuture.completedFuture(charged)
              : release(request.once(), request.once().size(), token).thenApply(released -> charged));
    });
  }

  /** Claims {@code once} from {@code from} on, one script each; on a refusal the ones before are released. */
  private CompletableFuture<QuotaOutcome> claim(List<OnceKey> once, int from, String token) {
    if (from == once.size()) {
      return CompletableFuture.completedFuture(new QuotaOutcome.Granted(List.of()));
    }
    return run(new QuotaRequest(List.of(), List.of(once.get(from))), token).thenCompose(outcome -> {
      if (outcome instanceof QuotaOutcome.Granted) {
        return claim(once, from + 1, token);
      }
      QuotaOutcome refused = outcome instanceof QuotaOutcome.Used ? new QuotaOutcome.Used(from) : outcome;
      return release(once, from, token).thenApply(released -> refused);
    });
  }

  /** Claims whose release is being retried in the background now. */
  int releasesRetrying() {
    return releases.retrying();
  }

  /** Each key only if it still holds {@code token}; retried in the background until Redis answers ({@link ClaimReleases}). */
  private CompletableFuture<Void> release(List<OnceKey> once, int count, String token) {
    return releases.release(once, count, token);
  }

  /**
   * One script. When it fails (a timeout: Redis may still run it later; a connection lost: it may
   * have run), its once-only claims are released, so the sender's retry of a call answered 503 is
   * not then refused as a replay.
   */
  private CompletableFuture<QuotaOutcome> run(QuotaRequest request, String token) {
    List<OnceKey> once = request.once();
    List<Charge> charges = request.charges();
    String[] keys = new String[once.size() + charges.size()];
    List<String> args = new ArrayList<>(1 + once.size() + 2 * charges.size());
    args.add(Integer.toString(once.size()));
    args.add(token);
    long now = clock.millis();
    for (int i = 0; i < once.size(); i++) {
      keys[i] = onceKey(once.get(i).key());
      args.add(Long.toString(Math.max(1, once.get(i).until().toEpochMilli() - now) + CLOCK_SKEW_MARGIN.toMillis()));
    }
    for (int j = 0; j < charges.size(); j++) {
      Charge c = charges.get(j);
      keys[once.size() + j] = bucketKey(c.key());
      args.add(Long.toString(c.limit().period().toNanos() / 1000));
      args.add(Long.toString(c.limit().capacity()));
    }
    return redis.evalScript(SCRIPT, keys, args.toArray(String[]::new)).handle((result, error) -> {
      if (error == null) {
        return outcome(result, charges);
      }
      if (!once.isEmpty()) {
        release(once, once.size(), token); // sent after the script on the same connection, and retried until Redis answers
      }
      return new QuotaOutcome.Unavailable(reason(error));
    });
  }

  private QuotaOutcome outcome(Object result, List<Charge> charges) {
    if (!(result instanceof List<?> reply) || reply.isEmpty()) {
      return new QuotaOutcome.Unavailable("unexpected answer from the quota script");
    }
    String kind = String.valueOf(reply.get(0));
    switch (kind) {
      case "used":
        return new QuotaOutcome.Used(number(reply, 1).intValue());
      case "limited": {
        int index = number(reply, 1).intValue();
        Duration retry = micros(number(reply, 5));
        exhaustedUntil.put(charges.get(index).key(), clock.millis() + retry.toMillis());
        return new QuotaOutcome.Limited(index, new LimitOutcome(false, number(reply, 2), number(reply, 3), micros(number(reply, 4)), retry));
      }
      case "granted": {
        List<LimitOutcome> outcomes = new ArrayList<>(charges.size());
        for (int j = 0; j < charges.size(); j++) {
          int at = 1 + 3 * j;
          outcomes.add(new LimitOutcome(true, number(reply, at), number(reply, at + 1), micros(number(reply, at + 2)), Duration.ZERO));
        }
        return new QuotaOutcome.Granted(outcomes);
      }
      default:
        return new QuotaOutcome.Unavailable("unexpected answer from the quota script");
    }
  }

  /** Returns the token {@code charge} took (a login that succeeded after all); completes exceptionally when Redis cannot answer. */
  public CompletableFuture<Object> giveBack(Charge charge) {
    return redis.evalScript(REFUND, new String[] {bucketKey(charge.key())},
        Long.toString(charge.limit().period().toNanos() / 1000), Long.toString(charge.limit().capacity()));
  }

  @Override
  public boolean knownExhausted(Charge charge) {
    Long until = exhaustedUntil.getIfPresent(charge.key());
    return until != null && clock.millis() < until;
  }

  /**
   * {@code rl:<tool>:<per>} keeps all of a tool's buckets under the tool's tag (one script can charge
   * them all in a cluster); any other bucket ({@code failed_auth:<ip>}) is its own tag.
   */
  static String bucketKey(String key) {
    if (key.startsWith("rl:")) {
      int toolEnd = key.indexOf(':', 3);
      if (toolEnd > 0) {
        return "tg:{" + key.substring(0, toolEnd) + "}" + key.substring(toolEnd);
      }
    }
    return "tg:{" + key + "}";
  }

  static String onceKey(String key) {
    return "tg:{once:" + key + "}";
  }

  /** The connector's short reason (never a secret), whatever wraps it. */
  static String reason(Throwable error) {
    Throwable t = error;
    while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof RedisConnector.Unavailable ? t.getMessage() : "Redis did not answer (" + t.getClass().getSimpleName() + ")";
  }

  private static Long number(List<?> reply, int index) {
    Object value = reply.get(index);
    return value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value));
  }

  private static Duration micros(long micros) {
    return Duration.ofNanos(Math.max(0, micros) * 1000);
  }
}
