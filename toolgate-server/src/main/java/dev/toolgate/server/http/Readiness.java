package dev.toolgate.server.http;

import io.vertx.core.json.JsonObject;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Whether this instance should get traffic, per dependency, answered from memory (nothing here
 * waits on a dependency): its credentials loaded and every credential in use decrypted; audit
 * records kept (written, buffered or spilled, not lost); when configured, Redis answering its
 * health PING; not shutting down. A store that does not answer is reported but keeps the instance
 * ready: calls are still verified from the snapshot and their audit records wait for the store
 * (storage.md says why).
 */
public final class Readiness {
  private static final String LOSING = "losing";

  private volatile String credentialProblem = "starting";
  private volatile boolean storeReachable = true;
  private volatile Supplier<String> audit = () -> "ok";
  private volatile boolean shuttingDown;
  private volatile BooleanSupplier redisUp;
  private volatile Supplier<String> configVersion = () -> null;

  /** Every credential in use was loaded. */
  public void ready() {
    credentialProblem = null;
  }

  /** Not ready, for this public reason (load balancers read it: no names, no secrets). */
  public void notReady(String reason) {
    credentialProblem = reason;
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

  /** The store as the last poll saw it. */
  public void store(boolean reachable) {
    storeReachable = reachable;
  }

  /**
   * What the audit writer does with its records: {@code ok}, {@code buffering}, {@code spilling} or
   * {@code losing} (not ready). Read on every {@code /readyz}, so that it is current (a flush that has
   * returned has emptied the spill files, and {@code /readyz} says so at once); must not block.
   */
  public void watchAudit(Supplier<String> state) {
    audit = state;
  }

  /**
   * Redis is configured: the instance is ready only while {@code up} says Redis answers, so that a
   * load balancer prefers the instances that see it. {@code up} is read on every {@code /readyz}
   * and must not block.
   */
  public void watchRedis(BooleanSupplier up) {
    redisUp = up;
  }

  /** The version of the configuration in force, reported (not judged) by {@code /readyz}; null when made in code. */
  public void watchConfig(Supplier<String> version) {
    configVersion = version;
  }

  public void shuttingDown() {
    shuttingDown = true;
  }

  public boolean isReady() {
    return now().ready();
  }

  /** Why not ready ({@code ready} when ready). */
  public String reason() {
    return now().reason();
  }

  /**
   * The {@code /readyz} body: {@code status} ({@code ready} or {@code not_ready}), {@code reason},
   * and each dependency's state: {@code store} ({@code up} or {@code down}), {@code audit}
   * ({@code ok}, {@code buffering}, {@code spilling}, {@code losing}) and, when configured,
   * {@code redis} ({@code up} or {@code down}); and {@code config_version}, the version of
   * {@code toolgate.yaml} in force (absent for a configuration made in code).
   */
  public JsonObject toJson() {
    State state = now();
    JsonObject body = new JsonObject()
        .put("status", state.ready() ? "ready" : "not_ready")
        .put("reason", state.reason())
        .put("store", state.storeReachable() ? "up" : "down")
        .put("audit", state.audit());
    if (state.redisConfigured()) {
      body.put("redis", state.redisUp() ? "up" : "down");
    }
    String version = configVersion.get();
    if (version != null) {
      body.put("config_version", version);
    }
    return body;
  }

  /** One reading of every dependency, so that a status and its reason agree. */
  private record State(boolean shuttingDown, String credentialProblem, boolean storeReachable, String audit,
      boolean redisConfigured, boolean redisUp) {
    boolean ready() {
      return !shuttingDown && credentialProblem == null && !LOSING.equals(audit) && redisUp;
    }

    String reason() {
      if (shuttingDown) {
        return "shutting down";
      }
      StringBuilder reasons = new StringBuilder();
      if (credentialProblem != null) {
        reasons.append(credentialProblem);
      }
      if (LOSING.equals(audit)) {
        append(reasons, "audit records are being lost: the store cannot take them and the spill files cannot either; see the server log");
      }
      if (!redisUp) {
        append(reasons, "redis unreachable");
      }
      return reasons.length() == 0 ? "ready" : reasons.toString();
    }

    private static void append(StringBuilder reasons, String reason) {
      reasons.append(reasons.length() == 0 ? "" : "; ").append(reason);
    }
  }

  private State now() {
    BooleanSupplier redis = redisUp;
    return new State(shuttingDown, credentialProblem, storeReachable, audit.get(), redis != null, redis == null || redis.getAsBoolean());
  }
}
