package dev.toolgate.core.engine;

import dev.toolgate.core.config.RedisFallbacks;
import dev.toolgate.core.config.UserTokenPolicy;
import dev.toolgate.core.config.WhenUnavailable;
import dev.toolgate.core.route.Route;

/**
 * What the engine decides when the {@link dev.toolgate.core.port.CallQuota} cannot answer (a shared
 * backend is down). What a call uses once is never let through unchecked (503); the rest is chosen
 * here.
 *
 * @param rateLimitsUncounted a tool's rate limits fail open (the call is allowed, marked UNCOUNTED in
 *     its trace) unless the tool is high-risk (its user token has a {@code max_age}, is single-use or
 *     must be minted for it): those fail closed (503)
 * @param failedAuthUncounted a failed authentication stays 401 uncounted; false: it is answered 503
 *     while its address's budget cannot be asked
 */
public record QuotaFallback(boolean rateLimitsUncounted, boolean failedAuthUncounted) {
  /** Rate limits open, the failed-authentication limit closed. */
  public static final QuotaFallback DEFAULT = new QuotaFallback(true, false);

  /** As {@code redis.when_unavailable} says. */
  public static QuotaFallback of(RedisFallbacks fallbacks) {
    return new QuotaFallback(fallbacks.rateLimits() == WhenUnavailable.ALLOW, fallbacks.failedAuthLimit() == WhenUnavailable.ALLOW);
  }

  /** Whether a call of {@code route} may pass with its rate limits uncounted: the tool's {@code when_limits_unavailable}, else the default. */
  public boolean allowsUncounted(Route route) {
    UserTokenPolicy userToken = route.tool().policy().userToken();
    if (userToken != null && userToken.highRisk()) {
      return false;
    }
    return route.tool().whenLimitsUnavailable().map(w -> w == WhenUnavailable.ALLOW).orElse(rateLimitsUncounted);
  }
}
