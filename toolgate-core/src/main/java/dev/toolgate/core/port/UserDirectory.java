package dev.toolgate.core.port;

import dev.toolgate.core.config.IdentityKind;
import java.time.Instant;

/**
 * Resolves the identities a call carries to Toolgate's users, for user binding and ownership.
 * Asked on the hot path, so implementations answer from memory: the server fetches what a call
 * will need before the decision (off the event loop) and answers {@link Status#UNAVAILABLE} for
 * anything it could not fetch, which refuses the call with 503, never with 401 or 403.
 */
public interface UserDirectory {
  enum Status { FOUND, UNKNOWN, DISABLED, UNAVAILABLE }

  /**
   * @param value the user id when FOUND or DISABLED, the opaque id for {@link #opaqueId}; null otherwise
   * @param tokensValidAfter for a user: tokens issued before this instant are void (the password was
   *     set then); null when none are
   */
  record Lookup(Status status, String value, Instant tokensValidAfter) {
    public static final Lookup UNKNOWN = new Lookup(Status.UNKNOWN, null, null);
    public static final Lookup UNAVAILABLE = new Lookup(Status.UNAVAILABLE, null, null);

    public static Lookup found(String value) {
      return new Lookup(Status.FOUND, value, null);
    }

    public static Lookup user(String userId, Instant tokensValidAfter) {
      return new Lookup(Status.FOUND, userId, tokensValidAfter);
    }

    public static Lookup disabled(String userId) {
      return new Lookup(Status.DISABLED, userId, null);
    }
  }

  /**
   * The user an identity names.
   *
   * @param platform the platform a {@link IdentityKind#PLATFORM_USER_ID} belongs to (ignored for the other kinds)
   */
  Lookup user(IdentityKind kind, String platform, String value);

  /** The opaque customer id of {@code userId} for {@code platform} (created on first use). */
  Lookup opaqueId(String platform, String userId);

  /** A directory that knows no user: for deployments without user binding. */
  UserDirectory NONE = new UserDirectory() {
    @Override
    public Lookup user(IdentityKind kind, String platform, String value) {
      return Lookup.UNKNOWN;
    }

    @Override
    public Lookup opaqueId(String platform, String userId) {
      return Lookup.UNKNOWN;
    }
  };
}
