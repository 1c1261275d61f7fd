package dev.toolgate.server.observe;

import com.github.benmanes.caffeine.cache.Cache;
import dev.toolgate.server.redis.RedisConnector;
import dev.toolgate.server.store.AuditHealth;
import dev.toolgate.server.store.AuditWriter;
import dev.toolgate.server.store.StoreReachability;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.util.concurrent.TimeUnit;

/**
 * Meters of what Toolgate depends on and keeps: the store, the audit writer, Redis, the caches, the
 * access log, the main port's connections. Gauges read the components' own state when scraped;
 * nothing here runs per call.
 */
public final class DependencyMetrics {
  private final MeterRegistry registry;
  private final Timer storePollsOk;
  private final Timer storePollsFailed;

  public DependencyMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.storePollsOk = storePoll("ok");
    this.storePollsFailed = storePoll("error");
  }

  private Timer storePoll(String outcome) {
    return Timer.builder("toolgate.store.poll.duration")
        .description("The once-a-second look at the store's change counter (and the reload when it moved), by outcome")
        .tag("outcome", outcome).serviceLevelObjectives(CallMetrics.BUCKETS).register(registry);
  }

  public void store(StoreReachability store) {
    Gauge.builder("toolgate.store.up", store, s -> s.reachable() ? 1 : 0)
        .description("1 while the store answers the server's polls, 0 while it does not").register(registry);
  }

  /** One poll of the store took {@code nanos}. */
  public void storePolled(boolean ok, long nanos) {
    (ok ? storePollsOk : storePollsFailed).record(nanos, TimeUnit.NANOSECONDS);
  }

  public void audit(AuditWriter audit) {
    Gauge.builder("toolgate.audit.records.queued", audit, AuditWriter::backlog)
        .description("Audit records waiting in memory for the store").register(registry);
    Gauge.builder("toolgate.audit.spool", audit, AuditWriter::spooledBytes).baseUnit("bytes")
        .description("Audit records waiting in spill files").register(registry);
    FunctionCounter.builder("toolgate.audit.records.written", audit, AuditWriter::written)
        .description("Audit records written to the store").register(registry);
    FunctionCounter.builder("toolgate.audit.records.dropped", audit, AuditWriter::dropped)
        .description("Audit records lost: neither memory nor the spill files could keep them").register(registry);
    for (AuditHealth state : AuditHealth.values()) {
      Gauge.builder("toolgate.audit.state", audit, a -> a.health() == state ? 1 : 0).tag("state", state.wireName())
          .description("1 for what the audit writer does now (ok, buffering, spilling, losing), 0 for the others").register(registry);
    }
  }

  /** {@code target} timed: each batch written to the store, by outcome. */
  public AuditWriter.Target timedAuditWrites(AuditWriter.Target target) {
    Timer ok = auditWrite("ok");
    Timer failed = auditWrite("error");
    return events -> {
      long start = System.nanoTime();
      boolean written = false;
      try {
        target.appendBatch(events);
        written = true;
      } finally {
        (written ? ok : failed).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      }
    };
  }

  private Timer auditWrite(String outcome) {
    return Timer.builder("toolgate.audit.write.duration").description("Writing one batch of audit records to the store, by outcome")
        .tag("outcome", outcome).serviceLevelObjectives(CallMetrics.BUCKETS).register(registry);
  }

  public void redis(RedisConnector redis) {
    Gauge.builder("toolgate.redis.up", redis, r -> r.health().up() ? 1 : 0)
        .description("1 while Redis answers the health PING (once a second), 0 while it does not").register(registry);
    TimeGauge.builder("toolgate.redis.ping.duration", redis, TimeUnit.NANOSECONDS,
            r -> r.health().lastLatency() == null ? Double.NaN : r.health().lastLatency().toNanos())
        .description("How long the last health PING took").register(registry);
  }

  /** Size, hits, misses, evictions of a Caffeine cache (which must record stats), as {@code toolgate_cache_*{cache=name}}. */
  public synchronized void cache(String name, Cache<?, ?> cache) {
    if (caches.put(name, cache) == cache) {
      return;
    }
    // A cache replaced (a reload that changes what its entries were verified for): its meters follow the new one.
    registry.getMeters().stream().filter(m -> name.equals(m.getId().getTag("cache"))).toList().forEach(registry::remove);
    CaffeineCacheMetrics.monitor(registry, cache, name);
  }

  private final java.util.Map<String, Cache<?, ?>> caches = new java.util.HashMap<>();

  public void accessLog(AccessLog log) {
    FunctionCounter.builder("toolgate.access_log.lines.dropped", log, AccessLog::dropped)
        .description("Access log lines dropped because the writer did not keep up (the queue was full)").register(registry);
    Gauge.builder("toolgate.access_log.lines.queued", log, AccessLog::queued)
        .description("Access log lines waiting for the writer").register(registry);
  }

  public void connections(OpenConnections connections) {
    Gauge.builder("toolgate.http.server.connections", connections, OpenConnections::count)
        .description("Connections open on the main port").register(registry);
  }
}
