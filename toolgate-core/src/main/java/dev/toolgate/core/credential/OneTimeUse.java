package dev.toolgate.core.credential;

import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.port.ReplayCache;
import java.time.Instant;

/**
 * Something a call may use only once — a Standard Webhooks message id, a Stripe-style message, a
 * Sendbird body within its window, a single-use user token — to be claimed in the replay cache
 * after the whole policy allowed the call.
 *
 * @param key replay-cache key ({@code <kind>:<client or user>:<digest>})
 * @param until how long the use is remembered
 * @param credentialId the credential named in a refusal
 * @param replayDetail the refusal's detail when it was already used
 */
public record OneTimeUse(ReplayCache cache, String key, Instant until, String credentialId, String replayDetail) {
  /** Null unless it was used already (nothing recorded); the refusal otherwise: {@code replayed}, or 503 when the cache cannot answer. */
  public Verification checkUnused() {
    try {
      return cache.seen(key) ? Verification.fail(DenialCode.REPLAYED, credentialId, replayDetail) : null;
    } catch (ReplayCache.Unavailable e) {
      return Verification.fail(DenialCode.REPLAY_CACHE_UNAVAILABLE, credentialId,
          "the replay cache could not be asked whether this was used before: " + e.getMessage());
    }
  }

  /** Null when this is the first use (now recorded); otherwise the refusal: {@code replayed}, or 503 when the cache cannot answer. */
  public Verification claim() {
    boolean first;
    try {
      first = cache.firstUse(key, until);
    } catch (ReplayCache.Unavailable e) {
      return Verification.fail(DenialCode.REPLAY_CACHE_UNAVAILABLE, credentialId,
          "the replay cache could not be asked whether this was used before: " + e.getMessage());
    }
    return first ? null : Verification.fail(DenialCode.REPLAYED, credentialId, replayDetail);
  }
}
