package dev.toolgate.server;

import com.github.benmanes.caffeine.cache.Cache;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.config.ManagementSettings;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.http.ManagementServer;
import dev.toolgate.server.http.Readiness;
import dev.toolgate.server.observe.AccessLog;
import dev.toolgate.server.observe.CallObservers;
import dev.toolgate.server.observe.DependencyMetrics;
import dev.toolgate.server.observe.EndpointMetrics;
import dev.toolgate.server.observe.GatewayObservers;
import dev.toolgate.server.observe.OpenConnections;
import dev.toolgate.server.observe.ToolgateMetrics;
import dev.toolgate.server.redis.RedisConnector;
import dev.toolgate.server.store.AuditWriter;
import dev.toolgate.server.store.StoreReachability;
import io.vertx.core.Vertx;
import java.util.OptionalInt;

/**
 * The wiring of what a running server reports (docs/observability.md): metrics, kept only when the
 * management interface serves them; the access log; the management server. {@link Toolgate} hands
 * each component to it as it builds it.
 */
final class Observability implements AutoCloseable {
  private final GatewayConfig config;
  private final ToolgateMetrics metrics;
  private final DependencyMetrics dependencies;
  private final AccessLog accessLog;
  private final OpenConnections connections = new OpenConnections();
  private ManagementServer management;

  private Observability(GatewayConfig config, ToolgateMetrics metrics, AccessLog accessLog) {
    this.config = config;
    this.metrics = metrics;
    this.dependencies = new DependencyMetrics(metrics.registry());
    this.accessLog = accessLog;
    dependencies.connections(connections);
    if (accessLog != null) {
      dependencies.accessLog(accessLog);
    }
  }

  /**
   * Metrics (Prometheus with {@code management:}, otherwise none kept) and the access log, whose file
   * is opened now so that a bad path stops the start.
   */
  static Observability open(GatewayConfig config) {
    ToolgateMetrics metrics = config.management().isPresent() ? ToolgateMetrics.prometheus() : ToolgateMetrics.off();
    try {
      return new Observability(config, metrics, config.accessLog().enabled() ? AccessLog.open(config.accessLog()) : null);
    } catch (RuntimeException e) {
      metrics.close();
      throw e;
    }
  }

  /** Audit batches written through {@code target}, timed; the writer's queue and state as gauges once {@link #audit} is called. */
  AuditWriter.Target timed(AuditWriter.Target target) {
    return dependencies.timedAuditWrites(target);
  }

  void audit(AuditWriter audit) {
    dependencies.audit(audit);
  }

  void cache(String name, Cache<?, ?> cache) {
    dependencies.cache(name, cache);
  }

  void store(StoreReachability store) {
    dependencies.store(store);
  }

  DependencyMetrics dependencies() {
    return dependencies;
  }

  /** Times Toolgate's own endpoints: to be mounted before every other. */
  Endpoint endpoints() {
    return new EndpointMetrics(metrics.registry())::mount;
  }

  /** JVM, process and event-loop metrics, and Redis's when configured. */
  void runtime(Vertx vertx, RedisConnector redis) {
    metrics.bindRuntime(vertx);
    if (redis != null) {
      dependencies.redis(redis);
    }
  }

  /** What the HTTP verticles report to. */
  GatewayObservers gateway() {
    return new GatewayObservers(CallObservers.of(metrics.calls(), accessLog), connections);
  }

  /** Starts the management interface when configured; a port in use is reported as the management port. */
  void startManagement(Vertx vertx, Readiness readiness) {
    if (config.management().isEmpty()) {
      return;
    }
    ManagementSettings settings = config.management().get();
    try {
      management = Toolgate.await(ManagementServer.start(vertx, settings, config.server().requestHeadTimeout(), readiness, metrics::scrape,
          ToolgateMetrics.CONTENT_TYPE));
    } catch (RuntimeException e) {
      RuntimeException inUse = AddressInUseException.ifAddressInUse(e, settings.host(), settings.port());
      throw inUse instanceof AddressInUseException a ? a.ofManagement() : e;
    }
  }

  OptionalInt managementPort() {
    return management == null ? OptionalInt.empty() : OptionalInt.of(management.port());
  }

  /** For the start-up log line. */
  String describe() {
    return "management interface " + (management == null ? "off (no management: section)"
        : "on " + config.management().orElseThrow().url(management.port()) + " (/metrics, /healthz, /readyz)")
        + "; access log " + (accessLog == null ? "off" : config.accessLog().format().yamlName() + " to " + accessLog.destination());
  }

  /** For the shutdown log line. */
  String accessLogSummary() {
    return accessLog == null ? "" : "; " + accessLog.written() + " access log line(s) written, " + accessLog.dropped() + " dropped";
  }

  /** After the verticles: the last calls' lines are written, then the file closed. */
  @Override
  public void close() {
    if (accessLog != null) {
      accessLog.close();
    }
    metrics.close();
  }
}
