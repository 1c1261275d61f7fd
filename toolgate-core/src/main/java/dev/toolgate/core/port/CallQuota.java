package dev.toolgate.core.port;

import dev.toolgate.core.limit.Charge;
import dev.toolgate.core.limit.LimitOutcome;
import dev.toolgate.core.limit.QuotaOutcome;
import dev.toolgate.core.limit.QuotaRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The state several instances must agree on: rate-limit buckets and what may be used only once
 * (webhook ids, signed bodies, single-use tokens). One call's whole request is settled in one atomic
 * step, so N instances count exactly like one and a refusal takes nothing.
 *
 * <p>In process the answer is ready at once; a shared backend (Redis) answers later, off the
 * caller's thread, and never throws: a backend that cannot answer completes with {@link
 * QuotaOutcome.Unavailable}.
 */
public interface CallQuota {
  /**
   * Grants every charge, for an engine without rate limits. It remembers nothing, so it cannot check
   * what may be used once: such a request is answered unavailable (the call is refused, never let
   * through unchecked).
   */
  CallQuota UNLIMITED = new CallQuota() {
    @Override
    public CompletableFuture<QuotaOutcome> settle(QuotaRequest request) {
      if (!request.once().isEmpty()) {
        return CompletableFuture.completedFuture(new QuotaOutcome.Unavailable("this engine was built without a store for one-time uses"));
      }
      List<LimitOutcome> full = new ArrayList<>(request.charges().size());
      for (Charge c : request.charges()) {
        full.add(new LimitOutcome(true, c.limit().capacity(), c.limit().capacity(), Duration.ZERO, Duration.ZERO));
      }
      return CompletableFuture.completedFuture(new QuotaOutcome.Granted(full));
    }

    @Override
    public boolean knownExhausted(Charge charge) {
      return false;
    }
  };

  CompletableFuture<QuotaOutcome> settle(QuotaRequest request);

  /**
   * Whether the bucket is known to be empty now, from what this instance saw last, without asking
   * anyone: only for sparing work (fetching an issuer's keys for an address over its failed-auth
   * budget), never for a decision.
   */
  boolean knownExhausted(Charge charge);
}
