package dev.toolgate.server.redis;

import dev.toolgate.core.config.RedisSettings;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one connection to the Redis that several Toolgate instances share (one server, a Sentinel
 * master, or a Cluster), on Lettuce.
 *
 * <ul>
 *   <li>{@link #start} never fails because Redis is down: it connects in the background, retrying
 *       until Redis answers; once connected, Lettuce re-establishes a dropped connection by itself.
 *       Nothing needs a restart when Redis comes back.</li>
 *   <li>Every command fails after {@code redis.timeout}, and at once while there is no connection
 *       (with Cluster: after waiting for its node's connection, at most {@code redis.timeout}): a
 *       slow or absent Redis is reported, never waited for. A command that failed this way may
 *       still have run, or run later (it was in a socket buffer, or is re-sent after a reconnect):
 *       what a script does must stay right when it runs although its caller saw a failure.</li>
 *   <li>Everything is asynchronous. Callers never block on a result on an event loop; the futures
 *       complete on Lettuce's I/O threads, so whatever runs in their callbacks must not block
 *       either.</li>
 *   <li>A PING every second, on a thread of its own, keeps {@link #health()} current; reading it
 *       costs nothing, so {@code /readyz} never waits on Redis.</li>
 * </ul>
 *
 * <p><b>Keys.</b> Build every key with {@link #key}: {@code tg:{<kind>:<id>}}. The braces are a
 * Redis Cluster hash tag, so all keys of one multi-key script must share one tag: derive the others
 * by appending to the key ({@code key("rl", id) + ":t"}), never by building a second tag. On one
 * server the tags cost nothing.
 *
 * <p>Nothing here logs or reports the password: the settings hold only where it comes from, and
 * failure reasons are masked.
 */
public final class RedisConnector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisConnector.class);
  /** How often the health PING runs. */
  static final Duration HEALTH_INTERVAL = Duration.ofSeconds(1);
  /** Retries of the first connection: 100 ms at first, doubling up to 2 s. */
  static final Duration FIRST_RETRY = Duration.ofMillis(100);
  static final Duration MAX_RETRY = Duration.ofSeconds(2);
  private static final String KEY_PREFIX = "tg:";
  private static final java.util.regex.Pattern KEY_KIND = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,32}");

  /**
   * A command or script that Redis could not answer: not connected (yet), connection lost, no
   * answer within {@code redis.timeout}, or an error from Redis. The message is a short reason,
   * without secrets; no stack trace is kept (it would say nothing and this is common while Redis is
   * down).
   */
  public static final class Unavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Unavailable(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * What the last health PING found.
   *
   * @param up whether Redis answered the last PING
   * @param lastLatency the round trip of the last PING answered; null when none has been yet
   * @param reason {@code ok}, or why Redis is not up (never a secret)
   */
  public record Health(boolean up, Duration lastLatency, String reason) {}

  private final RedisSettings settings;
  private final LettuceSetup lettuce;
  private final FailureReasons reasons;
  private final ScheduledExecutorService scheduler;
  private final AtomicBoolean pinging = new AtomicBoolean();
  private volatile LettuceSetup.Link link;
  private volatile Health health = new Health(false, null, "connecting");
  private volatile boolean everUp;
  private volatile boolean closed;

  private RedisConnector(RedisSettings settings, LettuceSetup lettuce, FailureReasons reasons) {
    this.settings = settings;
    this.lettuce = lettuce;
    this.reasons = reasons;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "toolgate-redis");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Reads the password (from the variable or file the settings name) and starts connecting in the
   * background; returns at once.
   *
   * @throws dev.toolgate.core.config.ConfigException when the password cannot be read (an unset
   *     variable, a missing file): the error names the line of the setting, never a value
   */
  public static RedisConnector start(RedisSettings settings) {
    return start(settings, System::getenv);
  }

  /** {@link #start(RedisSettings)} with the environment given (tests). */
  public static RedisConnector start(RedisSettings settings, Function<String, String> env) {
    Objects.requireNonNull(settings, "settings");
    char[] password = settings.password().map(p -> p.read(env)).orElse(null);
    LettuceSetup lettuce = LettuceSetup.create(settings, password);
    RedisConnector connector = new RedisConnector(settings, lettuce, new FailureReasons(password, settings.timeout()));
    LOG.info("Redis: {}, command timeout {}ms, connecting in the background", settings.describe(), settings.timeout().toMillis());
    connector.scheduler.execute(() -> connector.connect(FIRST_RETRY));
    connector.scheduler.scheduleWithFixedDelay(connector::ping, HEALTH_INTERVAL.toMillis(), HEALTH_INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
    return connector;
  }

  /**
   * The async commands of the connection (one server, or the cluster's routing connection). Each
   * command completes within {@code redis.timeout}, exceptionally when Redis cannot answer.
   *
   * @throws Unavailable when there has been no connection yet
   */
  public RedisClusterAsyncCommands<String, String> commands() {
    LettuceSetup.Link l = link;
    if (l == null) {
      throw new Unavailable(closed ? "closed" : "not connected yet (" + health.reason() + ")");
    }
    return l.commands();
  }

  /**
   * Runs a Lua script by {@code EVALSHA}; when Redis does not have it ({@code NOSCRIPT}: restarted
   * or flushed), by {@code EVAL}, which also loads it for the next time. In a cluster it runs on the
   * node of its first key (all its keys must share one hash tag: see {@link #key}).
   *
   * @return the script's result as Lettuce gives it for {@link ScriptOutputType#MULTI} (a list; a
   *     number or string result is the list's one element); completes exceptionally with
   *     {@link Unavailable} when Redis cannot answer in time, or answers an error (the first run
   *     after a Redis restart takes two round trips, so up to twice {@code redis.timeout})
   */
  public CompletableFuture<Object> evalScript(RedisScript script, String[] keys, String... args) {
    RedisClusterAsyncCommands<String, String> c;
    try {
      c = commands();
    } catch (Unavailable e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Object> result = new CompletableFuture<>();
    run(() -> c.<Object>evalsha(script.sha1(), ScriptOutputType.MULTI, keys, args)).whenComplete((value, failure) -> {
      if (failure == null) {
        result.complete(value);
      } else if (isNoScript(failure)) {
        eval(c, script, keys, args).whenComplete((v, f) -> {
          if (f == null) {
            result.complete(v);
          } else {
            result.completeExceptionally(f);
          }
        });
      } else {
        result.completeExceptionally(unavailable(script, failure));
      }
    });
    return result;
  }

  /**
   * Runs a Lua script by {@code EVAL}, sending its source every time: for a short script that must
   * run even where Redis has not cached it (restarted, flushed) and whose answer may never be
   * waited for, so it cannot depend on a {@code NOSCRIPT} reply and a second send. Its result and
   * failures are as for {@link #evalScript}.
   */
  public CompletableFuture<Object> evalSource(RedisScript script, String[] keys, String... args) {
    try {
      return eval(commands(), script, keys, args);
    } catch (Unavailable e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<Object> eval(RedisClusterAsyncCommands<String, String> c, RedisScript script, String[] keys, String... args) {
    CompletableFuture<Object> result = new CompletableFuture<>();
    run(() -> c.<Object>eval(script.source(), ScriptOutputType.MULTI, keys, args)).whenComplete((value, failure) -> {
      if (failure == null) {
        result.complete(value);
      } else {
        result.completeExceptionally(unavailable(script, failure));
      }
    });
    return result;
  }

  /** The last health PING's finding; never blocks. */
  public Health health() {
    return health;
  }

  /** Whether {@link #close} was called: nothing will be sent any more. */
  public boolean isClosed() {
    return closed;
  }

  /** The settings this connector was started with. */
  public RedisSettings settings() {
    return settings;
  }

  /**
   * A key of this kind for this id, hash-tagged for Redis Cluster: {@code tg:{<kind>:<id>}}. Keys
   * one script touches together must share one tag: append to this key for the others.
   *
   * @param kind what the key holds, e.g. {@code rl} for a rate limit: letters, digits, {@code _}, {@code -}
   * @param id which one, any text (a '}' in it ends the tag early, which still gives one slot per key)
   */
  public static String key(String kind, String id) {
    if (kind == null || !KEY_KIND.matcher(kind).matches()) {
      throw new IllegalArgumentException("key kind must be 1 to 32 letters, digits, '_' or '-', got " + kind);
    }
    Objects.requireNonNull(id, "id");
    return KEY_PREFIX + "{" + kind + ":" + id + "}";
  }

  /** Stops the health PING and closes the connection and Lettuce's threads (within about 2 s); never throws. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    scheduler.shutdownNow();
    link = null;
    try {
      lettuce.shutdown(Duration.ofSeconds(2));
    } catch (RuntimeException e) {
      LOG.warn("Redis client did not close cleanly: {}", reasons.clean(String.valueOf(e.getMessage())));
    }
  }

  // ------------------------------------------------------------------ connecting, health

  /** One attempt at the first connection; on failure the next is scheduled, up to {@link #MAX_RETRY} apart. */
  private void connect(Duration nextDelay) {
    if (closed) {
      return;
    }
    CompletableFuture<LettuceSetup.Link> attempt;
    try {
      attempt = lettuce.connect();
    } catch (RuntimeException e) {
      attempt = CompletableFuture.failedFuture(e);
    }
    attempt.whenComplete((connected, failure) -> {
      if (closed) {
        if (connected != null) {
          connected.connection().closeAsync();
        }
        return;
      }
      if (failure == null) {
        link = connected;
        scheduler.execute(this::ping); // ready as soon as Redis answers, not a second later
        return;
      }
      String reason = reasons.reason(failure);
      if (!reason.equals(health.reason())) {
        LOG.warn("Redis ({}) not reachable yet: {}; retrying in the background", settings.describe(), reason);
      }
      health = new Health(false, null, reason);
      Duration after = nextDelay.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : nextDelay.multipliedBy(2);
      try {
        scheduler.schedule(() -> connect(after), nextDelay.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closed meanwhile
      }
    });
  }

  private void ping() {
    LettuceSetup.Link l = link;
    if (l == null || closed || !pinging.compareAndSet(false, true)) {
      return; // not connected yet (connect() keeps the reason), or the last PING is still out
    }
    long start = System.nanoTime();
    CompletableFuture<String> pong;
    try {
      pong = l.commands().ping().toCompletableFuture();
    } catch (RuntimeException e) {
      pong = CompletableFuture.failedFuture(e);
    }
    pong.whenComplete((answer, failure) -> {
      pinging.set(false);
      if (closed) {
        return;
      }
      if (failure == null) {
        record(new Health(true, Duration.ofNanos(System.nanoTime() - start), "ok"));
      } else {
        record(new Health(false, health.lastLatency(), reasons.reason(failure)));
      }
    });
  }

  /** Keeps the finding, and logs a change of state. */
  private void record(Health now) {
    Health before = health;
    health = now;
    if (now.up() && !before.up()) {
      if (everUp) {
        LOG.warn("Redis ({}) answers again (PING {}ms)", settings.describe(), now.lastLatency().toMillis());
      } else {
        LOG.info("Redis ({}) connected (PING {}ms)", settings.describe(), now.lastLatency().toMillis());
      }
      everUp = true;
    } else if (!now.up() && before.up()) {
      LOG.warn("Redis ({}) stopped answering: {}", settings.describe(), now.reason());
    }
  }

  private Unavailable unavailable(RedisScript script, Throwable failure) {
    Unavailable u = reasons.unavailable(failure);
    LOG.debug("Redis script {} failed: {}", script.name(), u.getMessage());
    return u;
  }

  private static boolean isNoScript(Throwable failure) {
    Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return t instanceof RedisNoScriptException || t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT");
  }

  /** A command's future; one that cannot even be sent fails the future instead of throwing. */
  private static CompletableFuture<Object> run(java.util.function.Supplier<io.lettuce.core.RedisFuture<Object>> command) {
    try {
      return command.get().toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
