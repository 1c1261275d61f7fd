package dev.toolgate.server.users;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link LoginThrottle} that does not refuse a login for allowance other logins of this process only
 * hold while their passwords are checked. The throttle reserves a failure before each check (so
 * parallel guesses cannot outrun the limit) and gives it back on success, so six logins of one account
 * at once, all with the right password, used to find a limit of five empty and the sixth was refused
 * 429 "too many failed logins" (a shared account logging in from many workers; the soak did, during a
 * GC pause). Now an attempt refused while logins of its user name or address are in flight here waits
 * for those (not for later ones, so a busy address cannot keep it waiting), then asks again, up to
 * {@value #ASKS} times and at most {@link #MAX_WAIT}. Failures still refuse at
 * once: a limit used up by failures has no login in flight. Checks on other instances (Redis) are not
 * seen. The throttle is asked outside the lock (a Redis throttle may wait for Redis).
 */
public final class LoginsInFlight implements LoginThrottle {
  static final int ASKS = 10;
  static final Duration MAX_WAIT = Duration.ofSeconds(5);

  private final LoginThrottle throttle;
  /** Per "u:"/"a:" key, the tickets of the reservations being checked. Guarded by this. */
  private final Map<String, Set<Long>> checking = new HashMap<>();
  private static final Set<Long> EMPTY = Set.of();
  private long nextTicket;

  public LoginsInFlight(LoginThrottle throttle) {
    this.throttle = throttle;
  }

  @Override
  public Attempt begin(String username, String clientAddress) {
    List<String> keys = List.of("u:" + InMemoryLoginThrottle.usernameKey(username), "a:" + InMemoryLoginThrottle.addressKey(clientAddress));
    long deadline = System.nanoTime() + MAX_WAIT.toNanos();
    for (int ask = 1; ; ask++) {
      long ticket = enter(keys); // before asking: a reservation the throttle is making counts as in flight
      Attempt attempt;
      try {
        attempt = throttle.begin(username, clientAddress);
      } catch (RuntimeException e) {
        settled(keys, ticket);
        throw e;
      }
      if (attempt.allowed()) {
        return new Checked(attempt, keys, ticket);
      }
      Set<Long> before = settledRefused(keys, ticket);
      if (ask == ASKS || !waitFor(keys, before, deadline)) {
        return attempt;
      }
    }
  }

  private synchronized long enter(List<String> keys) {
    long ticket = nextTicket++;
    keys.forEach(k -> checking.computeIfAbsent(k, x -> new HashSet<>()).add(ticket));
    return ticket;
  }

  /** Settles a refused ask; returns the logins of its keys in flight at that moment. */
  private synchronized Set<Long> settledRefused(List<String> keys, long ticket) {
    settled(keys, ticket);
    Set<Long> now = new HashSet<>();
    keys.forEach(k -> now.addAll(checking.getOrDefault(k, EMPTY)));
    return now;
  }

  /**
   * Waits until none of {@code logins} is in flight (later ones are not waited for); false when
   * there was none (the limit is used up by failures) or at the deadline.
   */
  private synchronized boolean waitFor(List<String> keys, Set<Long> logins, long deadline) {
    if (logins.isEmpty()) {
      return false;
    }
    try {
      while (anyInFlight(keys, logins)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        wait(Math.max(1, left / 1_000_000));
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean anyInFlight(List<String> keys, Set<Long> logins) {
    for (String key : keys) {
      for (Long ticket : checking.getOrDefault(key, EMPTY)) {
        if (logins.contains(ticket)) {
          return true;
        }
      }
    }
    return false;
  }

  private synchronized void settled(List<String> keys, long ticket) {
    for (String key : keys) {
      Set<Long> tickets = checking.get(key);
      tickets.remove(ticket);
      if (tickets.isEmpty()) {
        checking.remove(key);
      }
    }
    notifyAll();
  }

  /** Keys with logins in flight: none once every login has settled (the map keeps nothing for long). */
  synchronized int keysInFlight() {
    return checking.size();
  }

  /** The throttle's reservation; settling it tells waiting attempts. */
  private final class Checked implements Attempt {
    private final Attempt reserved;
    private final List<String> keys;
    private final long ticket;
    private boolean settled;

    Checked(Attempt reserved, List<String> keys, long ticket) {
      this.reserved = reserved;
      this.keys = keys;
      this.ticket = ticket;
    }

    @Override public boolean allowed() { return true; }
    @Override public Duration retryAfter() { return reserved.retryAfter(); }

    @Override
    public void succeeded() {
      reserved.succeeded();
      settle();
    }

    @Override
    public void failed() {
      reserved.failed();
      settle();
    }

    @Override
    public void cancelled() {
      reserved.cancelled();
      settle();
    }

    private void settle() {
      synchronized (this) {
        if (settled) {
          return;
        }
        settled = true;
      }
      settled(keys, ticket);
    }
  }
}
