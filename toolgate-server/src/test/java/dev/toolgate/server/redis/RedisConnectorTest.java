package dev.toolgate.server.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.config.ConfigException;
import dev.toolgate.core.config.ConfigLoader;
import dev.toolgate.core.config.RedisSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RedisConnector} against real redis-server processes this test starts, kills, freezes and restarts. */
class RedisConnectorTest {
  static final RedisScript COUNTER = RedisScript.load("dev/toolgate/server/redis/test-counter.lua");
  private static final String TOOL = "tools:\n  - {name: h, method: GET, path: /h, upstream: \"http://127.0.0.1:9000\", policy: {anonymous: true}}\n";

  @TempDir Path dir;

  /** The settings a toolgate.yaml with this redis section gives. */
  private RedisSettings settings(String redisSection) throws Exception {
    Path file = dir.resolve("toolgate.yaml");
    Files.writeString(file, redisSection + TOOL);
    return ConfigLoader.load(file).redis().orElseThrow();
  }

  /** One server on this port, no password, with this command timeout. */
  private static RedisSettings standalone(int port, Duration timeout) {
    return new RedisSettings(RedisSettings.Topology.STANDALONE, List.of(new dev.toolgate.core.config.RedisNode("127.0.0.1", port)), null, 0,
        false, null, Optional.empty(), timeout, Duration.ofSeconds(1), null, null);
  }

  static void await(String what, BooleanSupplier condition, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + max + ": " + what);
      }
      Thread.sleep(20);
    }
  }

  static Object run(RedisConnector redis, String key, long add) throws Exception {
    return redis.evalScript(COUNTER, new String[] {key}, Long.toString(add)).get(5, TimeUnit.SECONDS);
  }

  /** The failure of a future that must fail. */
  static Throwable failure(CompletableFuture<?> future) throws Exception {
    try {
      future.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure, got a result");
  }

  // ------------------------------------------------------------------ connecting, passwords

  @Test
  void connectsWithThePasswordFromAFileAndRunsAScript() throws Exception {
    try (RedisServerProcess server = RedisServerProcess.start("file pass:word");
        CapturedLog log = CapturedLog.start()) {
      Files.writeString(dir.resolve("redis.pw"), "file pass:word\n");
      RedisSettings s = settings("redis:\n  url: redis://127.0.0.1:" + server.port() + "/3\n  password_file: redis.pw\n");
      try (RedisConnector redis = RedisConnector.start(s, k -> null)) {
        await("connected", () -> redis.health().up(), Duration.ofSeconds(10));
        assertThat(redis.health().reason()).isEqualTo("ok");
        assertThat(redis.health().lastLatency()).isNotNull().isLessThan(Duration.ofSeconds(1));
        String key = RedisConnector.key("test", "file");
        assertThat(run(redis, key, 5)).isEqualTo(List.of(5L, key));
        assertThat(run(redis, key, 2)).isEqualTo(List.of(7L, key));
        assertThat(redis.commands().get(key).get(5, TimeUnit.SECONDS)).isEqualTo("7");
        assertThat(server.command("SELECT", "3")).isEqualTo("OK"); // database 3 of the URL
      }
      assertThat(log.text()).contains("Redis: standalone redis://127.0.0.1:" + server.port() + "/3, with a password")
          .contains("connected").doesNotContain("pass:word");
    }
  }

  @Test
  void connectsAsAnAclUserWithThePasswordFromTheEnvironment() throws Exception {
    try (RedisServerProcess server = RedisServerProcess.start("admin-secret")) {
      server.command("ACL", "SETUSER", "toolgate", "on", ">env-secret", "~tg:*", "+@all");
      RedisSettings s = settings("redis:\n  url: redis://127.0.0.1:" + server.port() + "\n  username: toolgate\n"
          + "  password_env: TG_REDIS_PW\n");
      try (RedisConnector redis = RedisConnector.start(s, Map.of("TG_REDIS_PW", "env-secret")::get)) {
        await("connected", () -> redis.health().up(), Duration.ofSeconds(10));
        assertThat(redis.commands().aclWhoami().get(5, TimeUnit.SECONDS)).isEqualTo("toolgate");
        assertThat(run(redis, RedisConnector.key("test", "acl"), 1)).isEqualTo(List.of(1L, "tg:{test:acl}"));
      }
    }
  }

  @Test
  void aWrongPasswordKeepsItDownAndIsNeverShown() throws Exception {
    try (RedisServerProcess server = RedisServerProcess.start("right-one");
        CapturedLog log = CapturedLog.start()) {
      RedisSettings s = settings("redis:\n  url: redis://127.0.0.1:" + server.port() + "\n  password_env: TG_REDIS_PW\n");
      try (RedisConnector redis = RedisConnector.start(s, Map.of("TG_REDIS_PW", "wrong-one")::get)) {
        await("a reason", () -> !redis.health().reason().equals("connecting"), Duration.ofSeconds(10));
        assertThat(redis.health().up()).isFalse();
        assertThat(redis.health().reason()).contains("WRONGPASS").doesNotContain("wrong-one");
        Throwable f = failure(redis.evalScript(COUNTER, new String[] {"k"}, "1"));
        assertThat(f).isInstanceOf(RedisConnector.Unavailable.class).hasMessageStartingWith("not connected yet (")
            .hasMessageNotContaining("wrong-one");
        assertThatThrownBy(redis::commands).isInstanceOf(RedisConnector.Unavailable.class);
      }
      assertThat(log.text()).contains("not reachable yet").contains("WRONGPASS").doesNotContain("wrong-one").doesNotContain("right-one");
    }
  }

  @Test
  void aMissingPasswordVariableStopsTheStartNamingTheLine() throws Exception {
    RedisSettings s = settings("redis:\n  url: redis://127.0.0.1:1\n  password_env: TG_REDIS_UNSET\n");
    assertThatThrownBy(() -> RedisConnector.start(s, k -> null)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("toolgate.yaml:3: redis.password_env: the environment variable it names is not set");
  }

  // ------------------------------------------------------------------ scripts

  @Test
  void evalScriptSurvivesAScriptFlush() throws Exception {
    try (RedisServerProcess server = RedisServerProcess.start();
        RedisConnector redis = RedisConnector.start(standalone(server.port(), Duration.ofMillis(500)))) {
      await("connected", () -> redis.health().up(), Duration.ofSeconds(10));
      String key = RedisConnector.key("test", "flush");
      assertThat(run(redis, key, 1)).isEqualTo(List.of(1L, key));
      assertThat(server.command("SCRIPT", "EXISTS", COUNTER.sha1())).isEqualTo("1"); // loaded by the EVAL fallback
      assertThat(server.command("SCRIPT", "FLUSH")).isEqualTo("OK"); // as after a restart of Redis
      assertThat(server.command("SCRIPT", "EXISTS", COUNTER.sha1())).isEqualTo("0");
      assertThat(run(redis, key, 1)).isEqualTo(List.of(2L, key));
      assertThat(server.command("SCRIPT", "EXISTS", COUNTER.sha1())).isEqualTo("1");
      assertThat(run(redis, key, 1)).isEqualTo(List.of(3L, key));
    }
  }

  @Test
  void aScriptErrorIsUnavailableWithRedisSWords() throws Exception {
    try (RedisServerProcess server = RedisServerProcess.start();
        RedisConnector redis = RedisConnector.start(standalone(server.port(), Duration.ofMillis(500)))) {
      await("connected", () -> redis.health().up(), Duration.ofSeconds(10));
      Throwable f = failure(redis.evalScript(COUNTER, new String[] {"k"}, "not a number"));
      assertThat(f).isInstanceOf(RedisConnector.Unavailable.class).hasMessageStartingWith("Redis answered: ERR")
          .hasMessageContaining("not an integer");
    }
  }

  @Test
  void scriptsLoadFromTheClassPathWithTheShaRedisComputes() throws Exception {
    assertThat(COUNTER.name()).isEqualTo("test-counter");
    assertThat(COUNTER.toString()).isEqualTo("RedisScript[test-counter, " + COUNTER.sha1() + "]");
    assertThatThrownBy(() -> RedisScript.load("dev/toolgate/server/redis/none.lua")).hasMessageContaining("missing from the class path");
    assertThatThrownBy(() -> new RedisScript("x", "return 1", "00")).isInstanceOf(IllegalArgumentException.class);
    try (RedisServerProcess server = RedisServerProcess.start()) {
      assertThat(server.command("SCRIPT", "LOAD", COUNTER.source())).isEqualTo(COUNTER.sha1());
    }
  }

  @Test
  void keysAreHashTaggedPerKindAndId() {
    assertThat(RedisConnector.key("rl", "client:c1|user:u9")).isEqualTo("tg:{rl:client:c1|user:u9}");
    assertThatThrownBy(() -> RedisConnector.key("r{l", "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisConnector.key("", "x")).isInstanceOf(IllegalArgumentException.class);
  }

  // ------------------------------------------------------------------ Redis down, slow, back

  @Test
  void aKilledRedisFailsCommandsAsUnavailableAndTheSameConnectorRecoversAfterRestart() throws Exception {
    try (RedisServerProcess server = RedisServerProcess.start();
        CapturedLog log = CapturedLog.start();
        RedisConnector redis = RedisConnector.start(standalone(server.port(), Duration.ofMillis(250)))) {
      await("connected", () -> redis.health().up(), Duration.ofSeconds(10));
      String key = RedisConnector.key("test", "kill");
      assertThat(run(redis, key, 1)).isEqualTo(List.of(1L, key));

      server.kill();
      long start = System.nanoTime();
      Throwable f = failure(redis.evalScript(COUNTER, new String[] {key}, "1"));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(f).isInstanceOf(RedisConnector.Unavailable.class);
      assertThat(took).as("a dead Redis is reported within about the timeout").isLessThan(Duration.ofMillis(250 + 500));
      await("health down", () -> !redis.health().up(), Duration.ofSeconds(5));
      assertThat(redis.health().lastLatency()).isNotNull(); // the last one measured

      server.restart(); // empty: nothing was saved
      await("health up again", () -> redis.health().up(), Duration.ofSeconds(10));
      assertThat(run(redis, key, 1)).isEqualTo(List.of(1L, key)); // NOSCRIPT on the new server, handled
      assertThat(log.text()).contains("stopped answering").contains("answers again");
    }
  }

  @Test
  void aFrozenRedisFailsCommandsAfterTheTimeoutNeverHangs() throws Exception {
    try (RedisServerProcess server = RedisServerProcess.start();
        RedisConnector redis = RedisConnector.start(standalone(server.port(), Duration.ofMillis(300)))) {
      await("connected", () -> redis.health().up(), Duration.ofSeconds(10));
      String key = RedisConnector.key("test", "frozen");
      run(redis, key, 1);
      server.freeze();
      try {
        long start = System.nanoTime();
        Throwable f = failure(redis.evalScript(COUNTER, new String[] {key}, "1"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(f).isInstanceOf(RedisConnector.Unavailable.class).hasMessage("no answer within 300ms");
        assertThat(took).isBetween(Duration.ofMillis(250), Duration.ofMillis(300 + 700));
        Throwable get = failure(redis.commands().get(key).toCompletableFuture());
        assertThat(get).isInstanceOf(io.lettuce.core.RedisCommandTimeoutException.class);
        await("health down", () -> !redis.health().up(), Duration.ofSeconds(5));
        assertThat(redis.health().reason()).isEqualTo("no answer within 300ms");
      } finally {
        server.thaw();
      }
      await("health up again", () -> redis.health().up(), Duration.ofSeconds(10));
      // The script that timed out was still in the socket: Redis ran it once thawed. A timeout
      // says nothing about whether a command ran.
      assertThat(run(redis, key, 1)).isEqualTo(List.of(3L, key));
    }
  }

  @Test
  void startingWithRedisDownDoesNotFailAndConnectsWhenRedisAppears() throws Exception {
    try (RedisServerProcess server = RedisServerProcess.start()) {
      server.kill(); // its port, with nothing listening
      try (RedisConnector redis = RedisConnector.start(standalone(server.port(), Duration.ofMillis(250)))) {
        await("a reason", () -> !redis.health().reason().equals("connecting"), Duration.ofSeconds(5));
        assertThat(redis.health().up()).isFalse();
        assertThat(redis.health().reason()).startsWith("cannot connect:");
        assertThat(failure(redis.evalScript(COUNTER, new String[] {"k"}, "1"))).isInstanceOf(RedisConnector.Unavailable.class)
            .hasMessageStartingWith("not connected yet (cannot connect:");
        Thread.sleep(2500); // several retries fail meanwhile

        server.restart();
        await("connected once Redis is there", () -> redis.health().up(), Duration.ofSeconds(5));
        String key = RedisConnector.key("test", "late");
        assertThat(run(redis, key, 4)).isEqualTo(List.of(4L, key));
      }
    }
  }

  // ------------------------------------------------------------------ Cluster and Sentinel

  @Test
  void aClusterRunsAScriptWithHashTaggedKeys() throws Exception {
    try (RedisServerProcess node = RedisServerProcess.cluster()) {
      RedisSettings s = settings("redis:\n  cluster:\n    nodes: [\"127.0.0.1:" + node.port() + "\"]\n");
      try (RedisConnector redis = RedisConnector.start(s)) {
        await("connected", () -> redis.health().up(), Duration.ofSeconds(10));
        String key = RedisConnector.key("test", "cluster");
        String copy = key + ":copy";
        assertThat(node.command("CLUSTER", "KEYSLOT", copy)).isEqualTo(node.command("CLUSTER", "KEYSLOT", key));
        Object result = redis.evalScript(COUNTER, new String[] {key, copy}, "3").get(5, TimeUnit.SECONDS);
        assertThat(result).isEqualTo(List.of(3L, key));
        assertThat(redis.commands().get(copy).get(5, TimeUnit.SECONDS)).isEqualTo("3");
        node.command("SCRIPT", "FLUSH");
        assertThat(redis.evalScript(COUNTER, new String[] {key, copy}, "1").get(5, TimeUnit.SECONDS)).isEqualTo(List.of(4L, key));

        node.kill();
        assertThat(failure(redis.evalScript(COUNTER, new String[] {key}, "1"))).isInstanceOf(RedisConnector.Unavailable.class);
        node.restart(); // nodes.conf kept: same node id, same slots
        await("cluster back", () -> redis.health().up(), Duration.ofSeconds(15));
        await("script runs again", () -> redis.evalScript(COUNTER, new String[] {key}, "1").handle((v, e) -> e == null).join(),
            Duration.ofSeconds(15));
      }
    }
  }

  @Test
  void sentinelFindsTheMasterAndRunsAScript() throws Exception {
    try (RedisServerProcess master = RedisServerProcess.start("master-secret");
        RedisServerProcess sentinel = RedisServerProcess.sentinel("tgmaster", master)) {
      RedisSettings s = settings("redis:\n  sentinel:\n    master: tgmaster\n    nodes: [\"127.0.0.1:" + sentinel.port() + "\"]\n"
          + "    database: 2\n  password_env: TG_REDIS_PW\n");
      try (RedisConnector redis = RedisConnector.start(s, Map.of("TG_REDIS_PW", "master-secret")::get)) {
        await("connected", () -> redis.health().up(), Duration.ofSeconds(10));
        String key = RedisConnector.key("test", "sentinel");
        assertThat(run(redis, key, 6)).isEqualTo(List.of(6L, key));
        assertThat(master.command("SELECT", "2")).isEqualTo("OK");
        assertThat(redis.commands().get(key).get(5, TimeUnit.SECONDS)).isEqualTo("6");
      }
    }
  }

  /** Everything written to System.err (where slf4j-simple logs) while it is open, still passed on. */
  static final class CapturedLog implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    static CapturedLog start() {
      CapturedLog log = new CapturedLog();
      System.setErr(new PrintStream(new java.io.OutputStream() {
        @Override
        public synchronized void write(int b) {
          log.captured.write(b);
          log.original.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
          log.captured.write(b, off, len);
          log.original.write(b, off, len);
        }
      }, true, StandardCharsets.UTF_8));
      return log;
    }

    String text() {
      synchronized (captured) {
        return captured.toString(StandardCharsets.UTF_8);
      }
    }

    @Override
    public void close() {
      System.setErr(original);
    }
  }
}
