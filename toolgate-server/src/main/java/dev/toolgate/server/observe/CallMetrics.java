package dev.toolgate.server.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Tool call and decision metrics. Labels are bounded: the mode, the tool's name (one value,
 * {@link #NO_TOOL}, for every call that routed to no tool: never a raw path), the decision, the
 * denial code and the status. No user or client id.
 *
 * <p>The meters of each label combination are resolved once and kept, so a call costs one map
 * lookup and a few atomic adds, never tag building.
 */
public final class CallMetrics implements CallObserver {
  /** The tool label of calls that routed to no tool; no tool can have this name. */
  public static final String NO_TOOL = "(none)";
  /**
   * Latency buckets from 100 µs (Toolgate's own share is well under a millisecond) to 10 s (beyond
   * any sane upstream timeout); the histograms have these, not Micrometer's 70-odd defaults.
   */
  static final Duration[] BUCKETS = {
      Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
      Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2_500),
      Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private record Key(CallRecord.Mode mode, String tool, boolean allowed, String code, int status) {}

  /** The meters one label combination records to; timers and byte counters are shared by every code and status. */
  private record Series(Counter calls, Timer total, Timer gateway, Timer upstream, Counter bytesIn, Counter bytesOut) {}

  private final MeterRegistry registry;
  private final ConcurrentHashMap<Key, Series> series = new ConcurrentHashMap<>();

  public CallMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void completed(CallRecord call) {
    Key key = new Key(call.mode(), call.tool() == null ? NO_TOOL : call.tool(), call.allowed(), call.code(), call.status());
    Series s = series.get(key);
    if (s == null) {
      s = series.computeIfAbsent(key, this::register);
    }
    s.calls.increment();
    s.total.record(call.totalNanos(), TimeUnit.NANOSECONDS);
    s.gateway.record(call.gatewayNanos(), TimeUnit.NANOSECONDS);
    if (call.forwarded()) {
      s.upstream.record(call.upstreamNanos(), TimeUnit.NANOSECONDS);
    }
    if (call.bytesIn() > 0) {
      s.bytesIn.increment(call.bytesIn());
    }
    if (call.bytesOut() > 0) {
      s.bytesOut.increment(call.bytesOut());
    }
  }

  private Series register(Key key) {
    Tags tool = Tags.of("mode", key.mode().label(), "tool", key.tool());
    Tags decided = tool.and("decision", key.allowed() ? "allow" : "deny");
    return new Series(
        Counter.builder("toolgate.tool.calls").description("Tool calls and decision API questions answered, by outcome")
            .tags(decided).tags("code", key.code(), "status", Integer.toString(key.status())).register(registry),
        timer("toolgate.tool.call.duration", "Whole call: from the request's arrival to the end of its answer", decided),
        timer("toolgate.tool.call.gateway.duration", "Toolgate's own share: from arrival until forwarded, or answered when not forwarded",
            decided),
        timer("toolgate.tool.call.upstream.duration", "The upstream's share: from forwarding until its response head or its failure",
            Tags.of("tool", key.tool())),
        Counter.builder("toolgate.tool.call.request.body").baseUnit("bytes").description("Request body bytes read").tags(tool)
            .register(registry),
        Counter.builder("toolgate.tool.call.response.body").baseUnit("bytes").description("Response body bytes written").tags(tool)
            .register(registry));
  }

  private Timer timer(String name, String description, Tags tags) {
    return Timer.builder(name).description(description).tags(tags).serviceLevelObjectives(BUCKETS).register(registry);
  }
}
