package dev.toolgate.core.credential;

import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.limit.Charge;
import dev.toolgate.core.limit.LimitOutcome;
import dev.toolgate.core.limit.OnceKey;
import dev.toolgate.core.limit.QuotaOutcome;
import dev.toolgate.core.limit.QuotaRequest;
import dev.toolgate.core.port.CallQuota;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/**
 * Test fixture: a {@link CallQuota} whose once-only keys live in a map, on a clock the test moves
 * ({@link #clock}, also given to the verifier), that can be switched to failing like an unreachable
 * shared backend. Rate-limit charges are counted ({@link #charged}) and always granted.
 */
public final class TestReplayCache implements CallQuota {
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
  /** Every key recorded, with its expiry. */
  public final Map<String, Instant> entries = new HashMap<>();
  /** Every charge granted, in order. */
  public final List<String> charged = new ArrayList<>();
  public boolean unavailable;

  public TestReplayCache(Instant start) {
    this.clock = new MovableClock(start);
  }

  public TestReplayCache() {
    this(TestCalls.NOW);
  }

  @Override
  public synchronized CompletableFuture<QuotaOutcome> settle(QuotaRequest request) {
    if (unavailable) {
      return CompletableFuture.completedFuture(new QuotaOutcome.Unavailable("test cache is down"));
    }
    for (int i = 0; i < request.once().size(); i++) {
      Instant held = entries.get(request.once().get(i).key());
      if (held != null && clock.instant().isBefore(held)) {
        return CompletableFuture.completedFuture(new QuotaOutcome.Used(i));
      }
    }
    List<LimitOutcome> outcomes = new ArrayList<>();
    for (Charge c : request.charges()) {
      charged.add(c.key());
      outcomes.add(new LimitOutcome(true, c.limit().capacity(), c.limit().capacity(), Duration.ZERO, Duration.ZERO));
    }
    for (OnceKey k : request.once()) {
      entries.put(k.key(), k.until());
    }
    return CompletableFuture.completedFuture(new QuotaOutcome.Granted(outcomes));
  }

  @Override
  public boolean knownExhausted(Charge charge) {
    return false;
  }

  /** A verification as the engine completes it for an allowed call: what it uses up is claimed here. */
  public Verification claimed(Verification v) {
    if (!v.passed() || v.oneTime() == null) {
      return v;
    }
    QuotaOutcome outcome = settle(new QuotaRequest(List.of(), List.of(v.oneTime().onceKey()))).join();
    if (outcome instanceof QuotaOutcome.Used) {
      return Verification.fail(DenialCode.REPLAYED, v.oneTime().credentialId(), v.oneTime().replayDetail());
    }
    if (outcome instanceof QuotaOutcome.Unavailable) {
      return Verification.fail(DenialCode.SHARED_STATE_UNAVAILABLE, v.oneTime().credentialId(), "unavailable");
    }
    return v;
  }
}
