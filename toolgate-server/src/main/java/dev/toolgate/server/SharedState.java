package dev.toolgate.server;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.config.LoginThrottleSettings;
import dev.toolgate.core.config.RedisFallbacks;
import dev.toolgate.core.config.RegistrationSettings;
import dev.toolgate.core.config.WhenUnavailable;
import dev.toolgate.core.engine.QuotaFallback;
import dev.toolgate.core.port.CallQuota;
import dev.toolgate.server.limit.LocalCallQuota;
import dev.toolgate.server.limit.LocalRateLimiter;
import dev.toolgate.server.oauth.client.ClientRegistrationEndpoint;
import dev.toolgate.server.redis.RedisCallQuota;
import dev.toolgate.server.redis.RedisConnector;
import dev.toolgate.server.redis.RedisLoginThrottle;
import dev.toolgate.server.replay.InMemoryReplayCache;
import dev.toolgate.server.users.InMemoryLoginThrottle;
import dev.toolgate.server.users.LoginsInFlight;
import dev.toolgate.server.users.LoginThrottle;
import java.time.Clock;
import java.time.Duration;

/**
 * What several instances must agree on — rate-limit buckets, one-time uses, login throttles — kept
 * in this process (one instance) or in the Redis they share, and what is decided while Redis cannot
 * answer.
 *
 * @param localBuckets the buckets in this process; null when they are in Redis
 */
record SharedState(CallQuota quota, QuotaFallback fallback, LoginThrottle loginThrottle, LocalRateLimiter localBuckets) {
  /** Buckets kept in memory at most; the least recently used are forgotten beyond this. */
  static final long RATE_LIMIT_BUCKETS = 100_000;

  /** @param redis the shared Redis; null: everything in this process */
  static SharedState of(GatewayConfig config, RedisConnector redis, Clock clock) {
    LoginThrottleSettings throttle = config.authorizationServer().loginThrottle();
    LoginThrottle.Limits limits = new LoginThrottle.Limits(throttle.perUserFailures(), throttle.window(), throttle.perIpFailures(), throttle.window());
    if (redis == null) {
      LocalRateLimiter buckets = new LocalRateLimiter(RATE_LIMIT_BUCKETS, longestPeriod(config));
      return new SharedState(new LocalCallQuota(buckets, new InMemoryReplayCache(InMemoryReplayCache.DEFAULT_MAXIMUM_SIZE, clock)),
          QuotaFallback.DEFAULT, new LoginsInFlight(new InMemoryLoginThrottle(limits, clock)), buckets);
    }
    RedisFallbacks fallbacks = redis.settings().whenUnavailable();
    RedisCallQuota quota = new RedisCallQuota(redis, clock);
    // A login waits for at most two commands (address, then username), each bounded by redis.timeout.
    Duration wait = redis.settings().timeout().multipliedBy(2).plusMillis(100);
    return new SharedState(quota, QuotaFallback.of(fallbacks),
        new LoginsInFlight(new RedisLoginThrottle(quota, limits, fallbacks.loginThrottle() == WhenUnavailable.ALLOW, wait)), null);
  }

  /**
   * A reloaded configuration's limits: the buckets stay (a reload resets no limit), those in this
   * process are kept as long as its longest period needs. Redis keeps each bucket as long as it is not full.
   */
  void follow(GatewayConfig config) {
    if (localBuckets != null) {
      localBuckets.idleExpiry(longestPeriod(config));
    }
  }

  /**
   * How long the one in-process limiter of the tools' rate limits, the failed-authentication and the registration buckets
   * keeps a bucket unused. A bucket unused for its whole period is full again, so forgetting it after
   * the longest period loses nothing.
   */
  static Duration longestPeriod(GatewayConfig config) {
    Duration longest = config.failedAuthLimit().map(l -> l.period()).orElse(Duration.ofSeconds(1));
    if (config.authorizationServer().codeFlow().registration().mode() != RegistrationSettings.Mode.OFF
        && ClientRegistrationEndpoint.PERIOD.compareTo(longest) > 0) {
      longest = ClientRegistrationEndpoint.PERIOD; // each address's registration budget
    }
    for (var tool : config.tools()) {
      var limits = new java.util.ArrayList<>(tool.rateLimits());
      if (tool.mcp() != null) {
        limits.addAll(tool.mcp().ruleLimits());
      }
      for (var limit : limits) {
        if (limit.limit().period().compareTo(longest) > 0) {
          longest = limit.limit().period();
        }
      }
    }
    return longest;
  }
}
