package dev.toolgate.core.credential;

import dev.toolgate.core.port.ReplayCache;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/**
 * Test fixture: a {@link ReplayCache} in a map, on a clock the test moves ({@link #clock}, also given
 * to the verifier), that can be switched to failing like an unreachable shared cache.
 */
public final class TestReplayCache implements ReplayCache {
  /** A clock the test sets; starts at {@link TestCalls#NOW}. */
  public static final class MovableClock extends Clock {
    private Instant now;

    public MovableClock(Instant start) {
      this.now = start;
    }

    public void set(Instant instant) {
      now = instant;
    }

    public void advanceSeconds(long seconds) {
      now = now.plusSeconds(seconds);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  public final MovableClock clock;
  /** Every key asked for, with the expiry it was (or would have been) recorded with. */
  public final Map<String, Instant> entries = new HashMap<>();
  public boolean unavailable;

  public TestReplayCache(Instant start) {
    this.clock = new MovableClock(start);
  }

  public TestReplayCache() {
    this(TestCalls.NOW);
  }

  @Override
  public synchronized boolean firstUse(String key, Instant expiresAt) {
    if (unavailable) {
      throw new Unavailable("test cache is down", null);
    }
    Instant held = entries.get(key);
    if (held != null && clock.instant().isBefore(held)) {
      return false;
    }
    entries.put(key, expiresAt);
    return true;
  }

  @Override
  public synchronized boolean seen(String key) {
    if (unavailable) {
      throw new Unavailable("test cache is down", null);
    }
    Instant held = entries.get(key);
    return held != null && clock.instant().isBefore(held);
  }
}
