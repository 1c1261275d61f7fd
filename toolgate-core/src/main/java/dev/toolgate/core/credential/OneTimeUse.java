package dev.toolgate.core.credential;

import dev.toolgate.core.limit.OnceKey;
import java.time.Instant;

/**
 * Something a call may use only once — a Standard Webhooks message id, a Stripe-style message, a
 * Sendbird body within its window, a single-use user token — claimed (through the engine's {@link
 * dev.toolgate.core.port.CallQuota}) only after the whole policy allowed the call.
 *
 * @param key replay-cache key ({@code <kind>:<client or user>:<digest>})
 * @param until how long the use is remembered
 * @param credentialId the credential named in a refusal
 * @param replayDetail the refusal's detail when it was already used
 */
public record OneTimeUse(String key, Instant until, String credentialId, String replayDetail) {
  public OnceKey onceKey() {
    return new OnceKey(key, until);
  }
}
