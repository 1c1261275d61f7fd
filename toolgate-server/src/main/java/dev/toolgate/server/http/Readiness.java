package dev.toolgate.server.http;

import io.vertx.core.json.JsonObject;
import java.util.function.BooleanSupplier;

/**
 * Whether this instance should get traffic, per dependency: the store (credentials loaded, every
 * credential in use decrypted, store reachable) and, when configured, Redis (answering its health
 * PING); never while shutting down. Answers {@code /readyz} from memory: nothing here waits on a
 * dependency.
 */
public final class Readiness {
  private volatile String storeProblem = "starting";
  private volatile boolean shuttingDown;
  private volatile BooleanSupplier redisUp;

  /** The store answers and every credential in use was loaded. */
  public void ready() {
    storeProblem = null;
  }

  /** The store is not ready, for this public reason (load balancers read it: no names, no secrets). */
  public void notReady(String reason) {
    storeProblem = reason;
  }

  /**
   * After the credentials were (re)loaded: ready, unless {@code undecryptable} credentials in use
   * could not be decrypted, since every call that needs one would fail as if its credential were
   * wrong. The reason is public (load balancers read it): it counts and points at the log, which
   * names them.
   */
  public void credentialsLoaded(int undecryptable) {
    if (undecryptable == 0) {
      ready();
    } else {
      notReady(undecryptable + " stored credential(s) in use cannot be decrypted with the master key in use; see the server log");
    }
  }

  /**
   * Redis is configured: the instance is ready only while {@code up} says Redis answers, so that a
   * load balancer prefers the instances that see it. {@code up} is read on every {@code /readyz}
   * and must not block.
   */
  public void watchRedis(BooleanSupplier up) {
    redisUp = up;
  }

  public void shuttingDown() {
    shuttingDown = true;
  }

  public boolean isReady() {
    return now().ready();
  }

  /** Why not ready ({@code ready} when ready): shutting down, the store's reason, Redis. */
  public String reason() {
    return now().reason();
  }

  /**
   * The {@code /readyz} body: {@code status} ({@code ready} or {@code not_ready}), {@code reason},
   * and each dependency's state: {@code store} ({@code up} or {@code down}) and, when configured,
   * {@code redis} ({@code up} or {@code down}).
   */
  public JsonObject toJson() {
    State state = now();
    JsonObject body = new JsonObject()
        .put("status", state.ready() ? "ready" : "not_ready")
        .put("reason", state.reason())
        .put("store", state.storeProblem() == null ? "up" : "down");
    if (state.redisConfigured()) {
      body.put("redis", state.redisUp() ? "up" : "down");
    }
    return body;
  }

  /** One reading of every dependency, so that a status and its reason agree. */
  private record State(boolean shuttingDown, String storeProblem, boolean redisConfigured, boolean redisUp) {
    boolean ready() {
      return !shuttingDown && storeProblem == null && redisUp;
    }

    String reason() {
      if (shuttingDown) {
        return "shutting down";
      }
      if (storeProblem == null) {
        return redisUp ? "ready" : "redis unreachable";
      }
      return redisUp ? storeProblem : storeProblem + "; redis unreachable";
    }
  }

  private State now() {
    BooleanSupplier redis = redisUp;
    return new State(shuttingDown, storeProblem, redis != null, redis == null || redis.getAsBoolean());
  }
}
