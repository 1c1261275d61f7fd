package dev.toolgate.server.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Counts and times Toolgate's own endpoints (token, introspection, login, ...) by outcome. Mounted
 * first on the system router, it names the endpoint from a fixed list of paths (never the raw path:
 * {@code admin} for the whole admin API, {@code other} for anything else) and records when the
 * response ends.
 */
public final class EndpointMetrics implements Handler<RoutingContext> {
  /** Before every route, the admin API's authentication (order -1 000 000) included. */
  static final int ROUTE_ORDER = Integer.MIN_VALUE;
  private static final Map<String, String> ENDPOINTS = Map.of(
      "/oauth/token", "token",
      "/oauth/access_token", "asapp_token",
      "/oauth/introspect", "introspection",
      "/oauth/revoke", "revocation",
      "/oauth/register", "registration",
      "/auth/customer_authenticate", "login",
      "/auth/logout", "logout");

  private record Key(String endpoint, int status) {}

  private record Series(Counter requests, Timer duration) {}

  private final MeterRegistry registry;
  private final ConcurrentHashMap<Key, Series> series = new ConcurrentHashMap<>();

  public EndpointMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Mounts this handler before every other route of {@code router}. */
  public void mount(Router router) {
    router.route().order(ROUTE_ORDER).handler(this);
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    String endpoint = endpointOf(ctx.request().path());
    ctx.addEndHandler(done -> {
      int status = ctx.response().getStatusCode();
      Key key = new Key(endpoint, status);
      Series s = series.get(key);
      if (s == null) {
        s = series.computeIfAbsent(key, this::register);
      }
      s.requests.increment();
      s.duration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    });
    ctx.next();
  }

  static String endpointOf(String path) {
    String known = ENDPOINTS.get(path);
    if (known != null) {
      return known;
    }
    if (path.startsWith("/.well-known/")) {
      return "metadata";
    }
    if (path.equals("/console") || path.startsWith("/console/")) {
      return "console";
    }
    return path.startsWith("/admin/") ? "admin" : "other";
  }

  /** {@code success} (2xx, 3xx), {@code refused} (4xx: bad credentials, throttled, bad request) or {@code error} (5xx). */
  static String outcome(int status) {
    return status < 400 ? "success" : status < 500 ? "refused" : "error";
  }

  private Series register(Key key) {
    return new Series(
        Counter.builder("toolgate.endpoint.requests").description("Requests to Toolgate's own endpoints (token, introspection, login, ...)")
            .tags("endpoint", key.endpoint(), "status", Integer.toString(key.status())).register(registry),
        Timer.builder("toolgate.endpoint.duration").description("Time to answer Toolgate's own endpoints, by outcome")
            .tags("endpoint", key.endpoint(), "outcome", outcome(key.status())).serviceLevelObjectives(CallMetrics.BUCKETS)
            .register(registry));
  }
}
