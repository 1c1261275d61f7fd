package dev.toolgate.server.limit;

import dev.toolgate.core.limit.Charge;
import dev.toolgate.core.limit.LimitOutcome;
import dev.toolgate.core.limit.OnceKey;
import dev.toolgate.core.limit.QuotaOutcome;
import dev.toolgate.core.limit.QuotaRequest;
import dev.toolgate.core.port.CallQuota;
import dev.toolgate.server.replay.InMemoryReplayCache;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link CallQuota} of a single instance: rate-limit buckets and once-only keys in this process,
 * each request settled under one lock so it is all or nothing (a refused charge gives back the
 * tokens taken before it). The critical section is a few map operations; the answer is ready at once.
 */
public final class LocalCallQuota implements CallQuota {
  private final LocalRateLimiter buckets;
  private final InMemoryReplayCache once;

  public LocalCallQuota(LocalRateLimiter buckets, InMemoryReplayCache once) {
    this.buckets = buckets;
    this.once = once;
  }

  @Override
  public CompletableFuture<QuotaOutcome> settle(QuotaRequest request) {
    return CompletableFuture.completedFuture(settleNow(request));
  }

  private synchronized QuotaOutcome settleNow(QuotaRequest request) {
    List<OnceKey> keys = request.once();
    for (int i = 0; i < keys.size(); i++) {
      if (once.seen(keys.get(i).key())) {
        return new QuotaOutcome.Used(i);
      }
    }
    List<Charge> charges = request.charges();
    List<LimitOutcome> outcomes = new ArrayList<>(charges.size());
    for (int i = 0; i < charges.size(); i++) {
      Charge charge = charges.get(i);
      LimitOutcome outcome = buckets.tryConsume(charge.key(), charge.limit());
      if (!outcome.allowed()) {
        for (int j = 0; j < i; j++) {
          buckets.giveBack(charges.get(j).key(), charges.get(j).limit());
        }
        return new QuotaOutcome.Limited(i, outcome);
      }
      outcomes.add(outcome);
    }
    for (OnceKey key : keys) {
      once.firstUse(key.key(), key.until()); // unseen a moment ago, under this lock: the first use
    }
    return new QuotaOutcome.Granted(outcomes);
  }

  @Override
  public boolean knownExhausted(Charge charge) {
    return !buckets.peek(charge.key(), charge.limit()).allowed();
  }
}
