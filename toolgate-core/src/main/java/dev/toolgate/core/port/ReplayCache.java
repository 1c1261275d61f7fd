package dev.toolgate.core.port;

import java.time.Instant;

/**
 * Remembers which signed messages were already accepted, so each is accepted once: a Standard
 * Webhooks {@code webhook-id}, a Stripe-style {@code t=…,v1=…} message, a Sendbird body within its
 * replay window. Verifiers ask only after a signature verified, so only holders of a signing secret
 * can add keys.
 *
 * <p>Keys are short ASCII strings the verifiers build ({@code <kind>:<client id>:<digest>}, under
 * 200 characters); implementations store them as given. An in-process implementation suits one
 * instance; several instances behind a load balancer must share one (Redis: {@code SET key 1 NX
 * PXAT <expiresAt>} is exactly {@link #firstUse}).
 */
public interface ReplayCache {
  /**
   * Records {@code key} until {@code expiresAt}. True the first time the key is seen (or when its
   * earlier entry has expired); false while an unexpired entry exists, without extending it.
   * Atomic: of concurrent calls with one key, exactly one gets true.
   *
   * @throws Unavailable when the cache cannot answer (a shared backend is unreachable); the call is
   *     then refused with 503, never accepted unchecked and never answered 401
   */
  boolean firstUse(String key, Instant expiresAt);

  /**
   * Whether {@code key} is held (used, not expired), without recording anything: lets a replay be
   * refused before it costs anything else (user lookups, rate-limit budget). {@link #firstUse} stays
   * the atomic decision.
   *
   * @throws Unavailable when the cache cannot answer
   */
  boolean seen(String key);

  /** The cache could not be asked. */
  final class Unavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
