package dev.toolgate.server.store;

import dev.toolgate.core.token.SigningAlgorithm;
import java.time.Instant;

/**
 * What {@link SigningKeyStore#list} shows about a signing key: ids, dates and state, never key
 * material.
 *
 * @param masterKeyId id of the master key its private part is sealed under (safe to show)
 * @param activatedAt when it started signing; null while {@link State#PENDING}
 * @param retiredAt when a newer key replaced it; null while pending or active
 */
public record SigningKeyInfo(
    String kid, SigningAlgorithm algorithm, String masterKeyId, Instant createdAt, Instant activatedAt, Instant retiredAt, State state) {

  /** Where a key is in its life. */
  public enum State {
    /** Created but never activated: not used, not published. */
    PENDING,
    /** Signs new tokens and is published in the JWKS. */
    ACTIVE,
    /** Retired, but tokens it signed may still be alive: published in the JWKS, signs nothing. */
    PUBLISHED,
    /** Retired longer ago than the longest token lifetime: unused, can be purged. */
    EXPIRED,
    /** Deleted by a revocation: only the answer to that revocation shows a key in this state. */
    REVOKED
  }
}
