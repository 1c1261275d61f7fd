package dev.toolgate.server.observe;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyEventExecutorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;

/**
 * The meter registry of one running Toolgate: Prometheus when the management interface is on,
 * otherwise one that records nothing (the same code runs; nothing is kept). Toolgate's own meters
 * are named {@code toolgate.*} (Prometheus: {@code toolgate_*}); JVM, process and Netty meters keep
 * Micrometer's standard names ({@code jvm_*}, {@code process_*}, {@code system_*}, {@code netty_*})
 * so stock dashboards read them.
 */
public final class ToolgateMetrics implements AutoCloseable {
  /** The Prometheus text exposition format, which every Prometheus-compatible scraper reads. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  private ToolgateMetrics(MeterRegistry registry, PrometheusMeterRegistry prometheus) {
    this.registry = registry;
    this.prometheus = prometheus;
    // Caffeine's binder names its meters cache.*: these caches are Toolgate's, so they go under its prefix.
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        return id.getName().startsWith("cache.") ? id.withName("toolgate." + id.getName()) : id;
      }
    });
  }

  /** Metrics kept and served: the management interface is on. */
  public static ToolgateMetrics prometheus() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return new ToolgateMetrics(registry, registry);
  }

  /** Nothing kept: every meter is a no-op. */
  public static ToolgateMetrics off() {
    return new ToolgateMetrics(new CompositeMeterRegistry(), null);
  }

  public boolean enabled() {
    return prometheus != null;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Every meter in the Prometheus text format; takes a few milliseconds: call off the event loop. */
  public String scrape() {
    if (prometheus == null) {
      throw new IllegalStateException("metrics are off");
    }
    return prometheus.scrape(CONTENT_TYPE);
  }

  /** The observer that counts tool calls, or null when metrics are off (the pipeline then skips it). */
  public CallObserver calls() {
    return enabled() ? new CallMetrics(registry) : null;
  }

  /** JVM (memory, GC, threads, classes), process (CPU, uptime, open files) and each event loop's pending tasks. */
  public void bindRuntime(Vertx vertx) {
    if (!enabled()) {
      return;
    }
    JvmGcMetrics gc = new JvmGcMetrics();
    closeables.add(gc);
    for (MeterBinder binder : List.of(new JvmMemoryMetrics(), gc, new JvmThreadMetrics(), new ClassLoaderMetrics(),
        new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics())) {
      binder.bindTo(registry);
    }
    if (vertx instanceof VertxInternal internal) {
      // Tasks queued on each event loop: a growing number means the loops cannot keep up.
      new NettyEventExecutorMetrics(internal.nettyEventLoopGroup()).bindTo(registry);
    }
  }

  @Override
  public void close() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing anyway
      }
    }
    registry.close();
  }
}
