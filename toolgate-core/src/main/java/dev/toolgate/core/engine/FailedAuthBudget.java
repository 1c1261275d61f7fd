package dev.toolgate.core.engine;

import dev.toolgate.core.decision.Check;
import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.limit.Charge;
import dev.toolgate.core.limit.QuotaOutcome;
import dev.toolgate.core.limit.QuotaRequest;
import dev.toolgate.core.limit.RateLimit;
import dev.toolgate.core.net.AddressBucket;
import dev.toolgate.core.port.CallQuota;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The failed-authentication limit per client IP (an IPv6 address per /64): every 401 takes a token from its address's bucket,
 * and once that is empty the address's failures are answered 429 instead. It only ever turns
 * failures away: a call whose credentials verify never gets here.
 *
 * @param limit 401s one client IP may cause per period; null: not counted (failures stay 401)
 */
record FailedAuthBudget(CallQuota quota, RateLimit limit, QuotaFallback fallback) {
  /** One bucket per IPv4 address or IPv6 /64 ({@link AddressBucket}). */
  static String key(String ip) {
    return "failed_auth:" + AddressBucket.of(ip);
  }

  /** What this instance last saw of the address's bucket: only for sparing work, never for a decision. */
  boolean knownExhausted(String ip) {
    return limit != null && quota.knownExhausted(new Charge(key(ip), limit));
  }

  /**
   * A refusal, counted against the client IP's budget when it is a 401. Within the budget it stands;
   * beyond it, it becomes 429 with {@code Retry-After}, which slows guessing and tells a
   * misconfigured client to stop. When the budget cannot be asked, the failure is answered 503 (or,
   * by configuration, stays 401 uncounted): a guesser learns nothing while the count is blind.
   */
  CompletableFuture<Decision> counted(Decision refusal, String ip) {
    if (limit == null || refusal.status() != 401) {
      return CompletableFuture.completedFuture(refusal);
    }
    return quota.settle(QuotaRequest.charge(new Charge(key(ip), limit))).thenApply(outcome -> {
      if (outcome instanceof QuotaOutcome.Granted || outcome instanceof QuotaOutcome.Used) {
        return refusal; // a charge alone is never "used"
      }
      List<Check> trace = new ArrayList<>(refusal.trace());
      if (outcome instanceof QuotaOutcome.Limited limited) {
        // The verifier's finding stays in the trace for the audit; the caller learns only that it must wait.
        String detail = "too many failed authentications from " + ip + " (limit " + limited.outcome().limit() + " per "
            + limit.period().toSeconds() + " s); retry later";
        trace.add(new Check("failed_auth_limit", false, detail));
        return Decision.deny(DenialCode.RATE_LIMITED, detail, refusal.clientId(), refusal.credentialIds(), List.of(), trace)
            .withLimit(limited.outcome());
      }
      String reason = ((QuotaOutcome.Unavailable) outcome).reason();
      if (fallback.failedAuthUncounted()) {
        trace.add(new Check("failed_auth_limit", true, "UNCOUNTED: the failed-authentication budget could not be asked (" + reason + ")"));
        return refusal.withTrace(trace);
      }
      String detail = "the failed-authentication budget of " + ip + " could not be asked: the shared state is unavailable; retry later";
      trace.add(new Check("failed_auth_limit", false, detail + " (" + reason + ")"));
      return Decision.deny(DenialCode.SHARED_STATE_UNAVAILABLE, detail, refusal.clientId(), refusal.credentialIds(), List.of(), trace);
    });
  }
}
