package dev.toolgate.server.users;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.toolgate.core.net.AddressBucket;
import dev.toolgate.core.secret.SecretDigest;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * {@link LoginThrottle} with one Bucket4j token bucket per username and per client address (unless
 * the address limit is off), in this process. A bucket holds {@code limit} failures and refills greedily over the window (one
 * failure every window / limit), so a locked-out user waits minutes, not the whole window.
 *
 * <p>Memory is bounded: buckets live in Caffeine caches of at most {@value #MAX_KEYS} entries each,
 * dropped after a window without use (an unused bucket is full again by then anyway). IPv6
 * clients are counted per /64, since one host usually holds a whole /64.
 */
public final class InMemoryLoginThrottle implements LoginThrottle {
  static final int MAX_KEYS = 100_000;
  private static final int MAX_USERNAME_KEY = 128;

  private final Limits limits;
  private final TimeMeter time;
  private final Cache<String, Bucket> byUsername;
  private final Cache<String, Bucket> byAddress;

  public InMemoryLoginThrottle(Limits limits) {
    this(limits, Clock.systemUTC());
  }

  /** {@code clock} drives refills (tests move it by hand). */
  public InMemoryLoginThrottle(Limits limits, Clock clock) {
    this.limits = Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(clock, "clock");
    this.time = new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        return clock.millis() * 1_000_000L;
      }

      @Override
      public boolean isWallClockBased() {
        return true;
      }
    };
    this.byUsername = Caffeine.newBuilder().maximumSize(MAX_KEYS).expireAfterAccess(limits.usernameWindow()).build();
    this.byAddress = Caffeine.newBuilder().maximumSize(MAX_KEYS).expireAfterAccess(limits.addressWindow()).build();
  }

  public Limits limits() {
    return limits;
  }

  @Override
  public Attempt begin(String username, String clientAddress) {
    Bucket address = null; // none when the address limit is off
    if (limits.perAddress().isPresent()) {
      address = byAddress.get(addressKey(clientAddress), k -> bucket(limits.perAddress().getAsInt(), limits.addressWindow()));
      if (!address.tryConsume(1)) {
        return refused(address); // before any username bucket is made: a throttled address cannot fill the cache
      }
    }
    Bucket user = byUsername.get(usernameKey(username), k -> bucket(limits.perUsername(), limits.usernameWindow()));
    if (!user.tryConsume(1)) {
      if (address != null) {
        address.addTokens(1);
      }
      return refused(user);
    }
    return new Reserved(user, address);
  }

  private Bucket bucket(int capacity, Duration window) {
    return Bucket.builder()
        .addLimit(limit -> limit.capacity(capacity).refillGreedy(capacity, window))
        .withCustomTimePrecision(time)
        .build();
  }

  private static Attempt refused(Bucket exhausted) {
    long nanos = exhausted.estimateAbilityToConsume(1).getNanosToWaitForRefill();
    long seconds = Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    Duration wait = Duration.ofSeconds(seconds);
    return new Attempt() {
      @Override public boolean allowed() { return false; }
      @Override public Duration retryAfter() { return wait; }
      @Override public void succeeded() {}
      @Override public void failed() {}
      @Override public void cancelled() {}
    };
  }

  /** Usernames as typed are bounded only by the form size: long ones are keyed by digest. */
  public static String usernameKey(String username) {
    if (username == null) {
      return "";
    }
    return username.length() <= MAX_USERNAME_KEY ? username : "sha256:" + SecretDigest.of(username);
  }

  /** IPv4 as is, IPv6 by its /64 prefix; anything unparsable as itself ({@link AddressBucket}). */
  public static String addressKey(String address) {
    return AddressBucket.of(address);
  }

  private static final class Reserved implements Attempt {
    private final Bucket user;
    private final Bucket address;
    private boolean done;

    Reserved(Bucket user, Bucket address) {
      this.user = user;
      this.address = address;
    }

    @Override public boolean allowed() { return true; }
    @Override public Duration retryAfter() { return Duration.ZERO; }

    @Override
    public synchronized void succeeded() {
      giveBack();
    }

    @Override
    public synchronized void failed() {
      done = true;
    }

    @Override
    public synchronized void cancelled() {
      giveBack();
    }

    private void giveBack() {
      if (!done) {
        done = true;
        user.addTokens(1);
        if (address != null) {
          address.addTokens(1);
        }
      }
    }
  }
}
