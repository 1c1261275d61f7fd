package dev.toolgate.core.engine;

import dev.toolgate.core.config.UserTokenPolicy;
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

  /** Whether a call of {@code route} may pass with its rate limits uncounted. */
  public boolean allowsUncounted(Route route) {
    UserTokenPolicy userToken = route.tool().policy().userToken();
    boolean highRisk = userToken != null && (userToken.maxAge() != null || userToken.singleUse() || userToken.audienceIsTool());
    return rateLimitsUncounted && !highRisk;
  }
}
