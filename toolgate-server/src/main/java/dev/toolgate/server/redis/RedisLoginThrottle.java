package dev.toolgate.server.redis;

import dev.toolgate.core.limit.Charge;
import dev.toolgate.core.limit.QuotaOutcome;
import dev.toolgate.core.limit.QuotaRequest;
import dev.toolgate.core.limit.RateLimit;
import dev.toolgate.server.users.InMemoryLoginThrottle;
import dev.toolgate.server.users.LoginThrottle;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link LoginThrottle} several instances share: the same buckets as {@link InMemoryLoginThrottle}
 * (per username, per client address or IPv6 /64), kept in Redis by {@link RedisCallQuota}. The
 * address bucket is charged first, then the username's (each its own key, so it works in a cluster);
 * a refused username gives the address its token back. Blocks for Redis: called on a worker thread.
 *
 * <p>When Redis cannot answer, an attempt is refused ({@link LoginThrottle.Unavailable}, 503) unless
 * {@code redis.when_unavailable.login_throttle: allow}, which lets it through uncounted.
 */
public final class RedisLoginThrottle implements LoginThrottle {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLoginThrottle.class);

  private final RedisCallQuota quota;
  private final Limits limits;
  private final boolean uncountedWhenUnavailable;
  private final Duration wait;

  /** @param wait how long to wait for Redis at most (its command timeout, with a margin) */
  public RedisLoginThrottle(RedisCallQuota quota, Limits limits, boolean uncountedWhenUnavailable, Duration wait) {
    this.quota = quota;
    this.limits = limits;
    this.uncountedWhenUnavailable = uncountedWhenUnavailable;
    this.wait = wait;
  }

  @Override
  public Attempt begin(String username, String clientAddress) {
    Charge address = limits.perAddress().isPresent()
        ? new Charge("login:address:" + InMemoryLoginThrottle.addressKey(clientAddress), new RateLimit(limits.perAddress().getAsInt(), limits.addressWindow()))
        : null;
    Charge user = new Charge("login:username:" + InMemoryLoginThrottle.usernameKey(username), new RateLimit(limits.perUsername(), limits.usernameWindow()));
    if (address != null) {
      QuotaOutcome first = take(address);
      if (first == null) {
        return Reservation.UNCOUNTED;
      }
      if (first instanceof QuotaOutcome.Limited limited) {
        return Reservation.refused(limited.outcome().retryAfter());
      }
    }
    QuotaOutcome second = take(user);
    if (second == null || second instanceof QuotaOutcome.Limited) {
      if (address != null) {
        giveBack(address);
      }
      return second == null ? Reservation.UNCOUNTED : Reservation.refused(((QuotaOutcome.Limited) second).outcome().retryAfter());
    }
    return new Reservation(this, user, address);
  }

  /** The outcome, or null when Redis cannot answer and attempts then pass uncounted. */
  private QuotaOutcome take(Charge charge) {
    QuotaOutcome outcome = await(quota.settle(QuotaRequest.charge(charge)));
    if (outcome instanceof QuotaOutcome.Unavailable down) {
      if (!uncountedWhenUnavailable) {
        throw new Unavailable(down.reason());
      }
      LOG.warn("login attempt not counted: {}", down.reason());
      return null;
    }
    return outcome;
  }

  void giveBack(Charge charge) {
    try {
      await(quota.giveBack(charge));
    } catch (RuntimeException e) {
      // The failure stays counted: the user waits one interval longer, nobody gets an extra guess.
      LOG.warn("could not give back a login throttle token: {}", e.getMessage());
    }
  }

  private <T> T await(java.util.concurrent.CompletableFuture<T> future) {
    try {
      return future.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted");
    } catch (ExecutionException | TimeoutException e) {
      throw new Unavailable(RedisCallQuota.reason(e));
    }
  }

  private static final class Reservation implements Attempt {
    static final Reservation UNCOUNTED = new Reservation(null, null, null);

    private final RedisLoginThrottle owner;
    private final Charge user;
    private final Charge address;
    private final Duration retryAfter;
    private boolean done;

    Reservation(RedisLoginThrottle owner, Charge user, Charge address) {
      this(owner, user, address, null);
    }

    private Reservation(RedisLoginThrottle owner, Charge user, Charge address, Duration retryAfter) {
      this.owner = owner;
      this.user = user;
      this.address = address;
      this.retryAfter = retryAfter;
    }

    static Reservation refused(Duration retryAfter) {
      long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
      return new Reservation(null, null, null, Duration.ofSeconds(seconds));
    }

    @Override public boolean allowed() { return retryAfter == null; }
    @Override public Duration retryAfter() { return retryAfter == null ? Duration.ZERO : retryAfter; }
    @Override public void succeeded() { giveBackOnce(); }
    @Override public synchronized void failed() { done = true; }
    @Override public void cancelled() { giveBackOnce(); }

    private synchronized void giveBackOnce() {
      if (done || owner == null) {
        return;
      }
      done = true;
      owner.giveBack(user);
      if (address != null) {
        owner.giveBack(address);
      }
    }
  }
}
