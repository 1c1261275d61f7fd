package dev.toolgate.server.users;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Limits failed logins per username and per client address. Only failures count: an attempt
 * reserves one failure in each limit before the password is checked (so concurrent guesses cannot
 * all slip past a limit that is about to close) and a success gives the reservation back.
 *
 * <p>While a limit is used up even the right password is refused, unlike the gateway's
 * failed-authentication limit: passwords can be guessed, so letting a right one through would tell
 * a throttled guesser which guess was right and leave the limit throttling nothing. The price is
 * that one address's failures hold up everyone behind it; where all logins come from a platform's
 * few addresses, the address limit is switched off ({@link Limits#withoutAddressLimit}).
 *
 * <p>{@link InMemoryLoginThrottle} keeps the counters in this process; {@code RedisLoginThrottle}
 * shares them between instances.
 */
public interface LoginThrottle {
  /**
   * Starts a login attempt. If either limit is exhausted the attempt is refused (nothing is
   * reserved) and the password must not be checked. May block briefly (a shared throttle asks
   * Redis): call it off the event loop.
   *
   * @param username the normalised username as typed (whether or not such a user exists)
   * @param clientAddress the client's IP address as text
   * @throws Unavailable when a shared throttle cannot count and is configured to refuse then
   */
  Attempt begin(String username, String clientAddress);

  /** The failure counts cannot be asked: the login is answered 503, never checked uncounted. */
  final class Unavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Unavailable(String message) {
      super(message);
    }
  }

  /** One login attempt's reservation. Call exactly one of {@link #succeeded}, {@link #failed}, {@link #cancelled}. */
  interface Attempt {
    /** False when a limit is exhausted; then {@link #retryAfter} says for how long. */
    boolean allowed();

    /** How long until a refused attempt could be allowed (at least one second); zero when allowed. */
    Duration retryAfter();

    /** The credentials were right: the reservation is given back, so a success counts as nothing. */
    void succeeded();

    /** The credentials were wrong (or the user unknown or disabled): the failure stays counted. */
    void failed();

    /** The attempt could not be decided (the store failed): the reservation is given back. */
    void cancelled();
  }

  /**
   * Failure limits: at most {@code perUsername} failures for one username in {@code usernameWindow}
   * and {@code perAddress} failures from one client address in {@code addressWindow} (none when
   * empty). Allowance comes back gradually (one failure every window / limit).
   */
  record Limits(int perUsername, Duration usernameWindow, OptionalInt perAddress, Duration addressWindow) {
    /** 5 failures per username and 20 per client address, each per 15 minutes. */
    public static final Limits DEFAULT = new Limits(5, Duration.ofMinutes(15), 20, Duration.ofMinutes(15));

    public Limits {
      Objects.requireNonNull(perAddress, "perAddress");
      if (perUsername < 1 || perAddress.orElse(1) < 1) {
        throw new IllegalArgumentException("login failure limits must be at least 1");
      }
      Objects.requireNonNull(usernameWindow, "usernameWindow");
      Objects.requireNonNull(addressWindow, "addressWindow");
      if (usernameWindow.isNegative() || usernameWindow.isZero() || addressWindow.isNegative() || addressWindow.isZero()) {
        throw new IllegalArgumentException("login failure windows must be positive");
      }
    }

    /** With a limit per client address. */
    public Limits(int perUsername, Duration usernameWindow, int perAddress, Duration addressWindow) {
      this(perUsername, usernameWindow, OptionalInt.of(perAddress), addressWindow);
    }

    /** These limits, counted per username only. */
    public Limits withoutAddressLimit() {
      return new Limits(perUsername, usernameWindow, OptionalInt.empty(), addressWindow);
    }
  }
}
