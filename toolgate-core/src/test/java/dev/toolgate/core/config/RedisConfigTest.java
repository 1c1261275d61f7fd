package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigTesting.ONE_TOOL;
import static dev.toolgate.core.config.ConfigTesting.error;
import static dev.toolgate.core.config.ConfigTesting.lines;
import static dev.toolgate.core.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code redis:} section, each tool's {@code when_limits_unavailable}, and reading the Redis password. */
class RedisConfigTest {

  /** The redis section's own lines start at line 2. */
  private static RedisSettings redis(String lines) {
    return parse("redis:\n" + lines + ONE_TOOL).redis().orElseThrow();
  }

  private static ConfigException assertError(String yaml, int line, String field, String messagePart) {
    ConfigException e = error(yaml);
    assertThat(lines(e)).as(e.getMessage()).hasSize(1);
    assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
    assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
    assertThat(e.getMessage()).contains(messagePart);
    return e;
  }

  /** A tool with a rate limit whose extra lines start at line 9 (after a redis section of {@code redisLines} lines). */
  private static String limitedTool(String redisSection, String toolLines) {
    return redisSection
        + "tools:\n"
        + "  - name: t\n"
        + "    method: GET\n"
        + "    path: /t\n"
        + "    upstream: http://127.0.0.1:9000\n"
        + "    policy: {anonymous: true}\n"
        + "    rate_limits: [{per: ip, limit: 10, period: 1s}]\n"
        + toolLines;
  }

  // ------------------------------------------------------------------ the three forms

  @Test
  void withoutTheSectionThereIsNoRedisAndToolsHaveNoFallback() {
    GatewayConfig c = parse(ONE_TOOL);
    assertThat(c.redis()).isEmpty();
    assertThat(c.tools().get(0).whenLimitsUnavailable()).isEmpty();
  }

  @Test
  void aUrlIsOneServerWithTheDefaults() {
    RedisSettings r = redis("  url: redis://10.0.0.5:6380/2\n");
    assertThat(r.topology()).isEqualTo(RedisSettings.Topology.STANDALONE);
    assertThat(r.nodes()).containsExactly(new RedisNode("10.0.0.5", 6380));
    assertThat(r.database()).isEqualTo(2);
    assertThat(r.tls()).isFalse();
    assertThat(r.username()).isNull();
    assertThat(r.password()).isEmpty();
    assertThat(r.timeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(r.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(r.whenUnavailable()).isEqualTo(new RedisFallbacks(WhenUnavailable.ALLOW, WhenUnavailable.REFUSE, WhenUnavailable.REFUSE));
    assertThat(r.at()).isEqualTo(new ConfigLocation(ConfigTesting.SOURCE, 1, "redis"));
    assertThat(r.describe()).isEqualTo("standalone redis://10.0.0.5:6380/2");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "redis://cache.internal       | cache.internal | 6379 | 0 | false",
      "rediss://cache.internal:6390 | cache.internal | 6390 | 0 | true",
      "REDIS://127.0.0.1:6379/      | 127.0.0.1      | 6379 | 0 | false",
      "redis://[::1]:7000/15        | ::1            | 7000 | 15 | false",
      "redis://[fd00::5]            | fd00::5        | 6379 | 0 | false"})
  void urlForms(String url, String host, int port, int database, boolean tls) {
    RedisSettings r = redis("  url: \"" + url + "\"\n");
    assertThat(r.nodes()).containsExactly(new RedisNode(host, port));
    assertThat(r.database()).isEqualTo(database);
    assertThat(r.tls()).isEqualTo(tls);
  }

  @Test
  void sentinelAndClusterForms() {
    RedisSettings s = redis("  sentinel: {master: mymaster, nodes: [10.0.0.5:26379, \"[fd00::6]:26379\"], database: 3, tls: true}\n");
    assertThat(s.topology()).isEqualTo(RedisSettings.Topology.SENTINEL);
    assertThat(s.sentinelMaster()).isEqualTo("mymaster");
    assertThat(s.nodes()).containsExactly(new RedisNode("10.0.0.5", 26379), new RedisNode("fd00::6", 26379));
    assertThat(s.database()).isEqualTo(3);
    assertThat(s.tls()).isTrue();
    assertThat(s.describe()).isEqualTo("sentinel master mymaster (database 3) via 10.0.0.5:26379, [fd00::6]:26379 (TLS)");

    RedisSettings c = redis("  cluster:\n    nodes: [10.0.0.5:7000, 10.0.0.6:7000]\n");
    assertThat(c.topology()).isEqualTo(RedisSettings.Topology.CLUSTER);
    assertThat(c.nodes()).containsExactly(new RedisNode("10.0.0.5", 7000), new RedisNode("10.0.0.6", 7000));
    assertThat(c.sentinelMaster()).isNull();
    assertThat(c.tls()).isFalse();
  }

  @Test
  void everyOtherKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("toolgate.yaml");
    Files.writeString(file, "redis:\n"
        + "  url: redis://127.0.0.1:6379\n"
        + "  username: toolgate\n"
        + "  password_file: secrets/redis.pw\n"
        + "  timeout: 100ms\n"
        + "  connect_timeout: 5s\n"
        + "  when_unavailable: {rate_limits: refuse, failed_auth_limit: allow, login_throttle: allow}\n" + ONE_TOOL);
    RedisSettings r = ConfigLoader.load(file).redis().orElseThrow();
    assertThat(r.username()).isEqualTo("toolgate");
    assertThat(r.password()).contains(new RedisPassword(RedisPassword.Source.FILE, dir.resolve("secrets/redis.pw").toString(),
        new ConfigLocation(file, 4, "redis.password_file")));
    assertThat(r.timeout()).isEqualTo(Duration.ofMillis(100));
    assertThat(r.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(r.whenUnavailable()).isEqualTo(new RedisFallbacks(WhenUnavailable.REFUSE, WhenUnavailable.ALLOW, WhenUnavailable.ALLOW));
    assertThat(r.describe()).isEqualTo("standalone redis://127.0.0.1:6379/0, user toolgate, with a password");

    assertThat(redis("  url: redis://h:1\n  password_env: TOOLGATE_REDIS_PASSWORD\n").password())
        .contains(new RedisPassword(RedisPassword.Source.ENV, "TOOLGATE_REDIS_PASSWORD",
            new ConfigLocation(ConfigTesting.SOURCE, 3, "redis.password_env")));
  }

  // ------------------------------------------------------------------ refused forms

  @Test
  void aPasswordInTheUrlIsRefusedWithoutRepeatingIt() {
    for (String url : List.of("redis://:hunter2@127.0.0.1:6379", "rediss://admin:hunter2@cache:6379/0", "redis://hunter2@cache",
        "http://u:hunter2@cache")) {
      ConfigException e = assertError("redis:\n  url: \"" + url + "\"\n" + ONE_TOOL, 2, "redis.url",
          "must not carry a user name or password (user:password@): secrets never go in this file; name the password with `password_env`");
      assertThat(e.getMessage()).doesNotContain("hunter2");
    }
    ConfigException query = assertError("redis:\n  url: redis://cache:6379/0?password=hunter2\n" + ONE_TOOL, 2, "redis.url",
        "query parameters and fragments are not read");
    assertThat(query.getMessage()).doesNotContain("hunter2");
  }

  @Test
  void aLiteralPasswordKeyIsRefused() {
    ConfigException e = assertError("redis:\n  url: redis://cache\n  password: hunter2\n" + ONE_TOOL, 3, "redis.password",
        "a literal password is refused: secrets never go in this file; name an environment variable with `password_env`");
    assertThat(e.getMessage()).doesNotContain("hunter2");
  }

  @Test
  void exactlyOneOfUrlSentinelAndCluster() {
    assertError("redis:\n  url: redis://cache\n  cluster: {nodes: [\"cache:7000\"]}\n" + ONE_TOOL, 3, "redis.cluster",
        "`url` is already set: url, sentinel and cluster are alternatives, write exactly one");
    assertError("redis:\n  sentinel: {master: m, nodes: [\"s:26379\"]}\n  cluster: {nodes: [\"c:7000\"]}\n" + ONE_TOOL, 3, "redis.cluster",
        "`sentinel` is already set");
    assertError("redis:\n  timeout: 1s\n" + ONE_TOOL, 1, "redis", "required: where Redis is, as exactly one of `url`");
    assertError("redis:\n" + ONE_TOOL, 1, "redis", "required: where Redis is");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "http://cache:6379          | unknown scheme 'http' (known: redis, rediss); expected redis://host:port[/database], or rediss://... for TLS",
      "cache:6379                 | has no scheme; expected redis://host:port[/database]",
      "redis-sentinel://s:26379   | for Redis Sentinel write `sentinel: {master: NAME, nodes: [host:port, ...]}` instead of `url`",
      "redis://cache:6379/zero    | the path must be the database number, e.g. redis://127.0.0.1:6379/0",
      "redis://cache:6379/0/1     | the path must be the database number",
      "redis://cache:99999        | the port must be a number from 1 to 65535",
      "redis://cache:             | the port must be a number from 1 to 65535",
      "redis:///0                 | expected host:port with a host name or IP address",
      "redis://::1:6379           | write an IPv6 address in brackets, e.g. [::1]:6379",
      "redis://[nope]:6379        | expected an IPv6 address in brackets such as [::1]:6379",
      "redis://ca che:6379        | expected host:port with a host name or IP address"})
  void badUrls(String url, String message) {
    assertError("redis:\n  url: \"" + url + "\"\n" + ONE_TOOL, 2, "redis.url", message);
  }

  @Test
  void unknownKeysAreRefusedAtEveryLevel() {
    assertError("redis:\n  url: redis://cache\n  timout: 1s\n" + ONE_TOOL, 3, "redis.timout", "unknown key 'timout' (allowed: url, sentinel,"
        + " cluster, username, password_env, password_file, timeout, connect_timeout, when_unavailable; did you mean 'timeout'?)");
    assertError("redis:\n  cluster: {nodes: [\"c:7000\"], masters: 3}\n" + ONE_TOOL, 2, "redis.cluster.masters", "unknown key 'masters'");
    assertError("redis:\n  sentinel: {master: m, nodes: [\"s:1\"], password_env: X}\n" + ONE_TOOL, 2, "redis.sentinel.password_env",
        "unknown key 'password_env' (allowed: master, nodes, database, tls)");
    assertError("redis:\n  url: redis://cache\n  when_unavailable: {replay: allow}\n" + ONE_TOOL, 3, "redis.when_unavailable.replay",
        "unknown key 'replay' (allowed: rate_limits, failed_auth_limit, login_throttle)");
  }

  @Test
  void sentinelAndClusterNodes() {
    assertError("redis:\n  sentinel: {nodes: [\"s:26379\"]}\n" + ONE_TOOL, 2, "redis.sentinel.master", "required: the name of the master");
    assertError("redis:\n  sentinel: {master: m}\n" + ONE_TOOL, 2, "redis.sentinel.nodes", "required: the sentinels");
    assertError("redis:\n  cluster: {nodes: []}\n" + ONE_TOOL, 2, "redis.cluster.nodes", "must list at least one host:port");
    assertError("redis:\n  cluster: {nodes: cache:7000}\n" + ONE_TOOL, 2, "redis.cluster.nodes", "expected a list");
    assertError("redis:\n  cluster:\n    nodes:\n      - c:7000\n      - c\n" + ONE_TOOL, 5, "redis.cluster.nodes[1]",
        "needs a port, e.g. 10.0.0.5:6379; got 'c'");
    assertError("redis:\n  cluster:\n    nodes:\n      - c:7000\n      - c:7000\n" + ONE_TOOL, 5, "redis.cluster.nodes[1]",
        "'c:7000' is listed twice");
    assertError("redis:\n  sentinel: {master: \"my master\", nodes: [\"s:1\"]}\n" + ONE_TOOL, 2, "redis.sentinel.master",
        "expected a master name of printable characters without spaces");
  }

  @Test
  void passwordSources() {
    ConfigException notAName = assertError("redis:\n  url: redis://cache\n  password_env: \"hunter2!\"\n" + ONE_TOOL, 3, "redis.password_env",
        "must be the NAME of an environment variable");
    assertThat(notAName.getMessage()).doesNotContain("hunter2");
    assertError("redis:\n  url: redis://cache\n  password_env: A\n  password_file: /run/pw\n" + ONE_TOOL, 4, "redis.password_file",
        "`password_env` is already set: the password comes from one place");
    assertError("redis:\n  url: redis://cache\n  username: toolgate\n" + ONE_TOOL, 3, "redis.username",
        "an ACL user needs its password: add `password_env` or `password_file`");
  }

  @Test
  void timeoutsAndFallbacks() {
    assertError("redis:\n  url: redis://cache\n  timeout: 2m\n" + ONE_TOOL, 3, "redis.timeout", "must be at most 1m, got 2m");
    assertError("redis:\n  url: redis://cache\n  connect_timeout: 0s\n" + ONE_TOOL, 3, "redis.connect_timeout", "duration must be positive");
    assertError("redis:\n  url: redis://cache\n  when_unavailable: {rate_limits: Refuse}\n" + ONE_TOOL, 3,
        "redis.when_unavailable.rate_limits", "expected allow or refuse, got 'Refuse'; names are case-sensitive: did you mean 'refuse'?");
    assertError("redis:\n  url: redis://cache\n  when_unavailable: {login_throttle: true}\n" + ONE_TOOL, 3,
        "redis.when_unavailable.login_throttle", "expected a string, got a boolean (true)");
  }

  // ------------------------------------------------------------------ tools[].when_limits_unavailable

  @Test
  void aToolSaysWhatItsLimitsDoWithoutRedis() {
    GatewayConfig c = parse(limitedTool("redis: {url: \"redis://cache\"}\n", "    when_limits_unavailable: refuse\n"));
    ToolConfig tool = c.tools().get(0);
    assertThat(tool.whenLimitsUnavailable()).contains(WhenUnavailable.REFUSE);
    assertThat(c.redis().orElseThrow().whenLimitsUnavailable(tool)).isEqualTo(WhenUnavailable.REFUSE);

    GatewayConfig byDefault = parse(limitedTool("redis: {url: \"redis://cache\", when_unavailable: {rate_limits: refuse}}\n", ""));
    assertThat(byDefault.tools().get(0).whenLimitsUnavailable()).isEmpty();
    assertThat(byDefault.redis().orElseThrow().whenLimitsUnavailable(byDefault.tools().get(0))).isEqualTo(WhenUnavailable.REFUSE);
  }

  @Test
  void whenLimitsUnavailableNeedsRedisAndRateLimits() {
    assertError(limitedTool("", "    when_limits_unavailable: allow\n"), 8, "tools[0].when_limits_unavailable",
        "has no effect without a top-level `redis:` section");
    assertError("redis: {url: \"redis://cache\"}\n" + ONE_TOOL + "    when_limits_unavailable: allow\n", 8,
        "tools[0].when_limits_unavailable", "has no effect: the tool has no `rate_limits`");
    assertError(limitedTool("redis: {url: \"redis://cache\"}\n", "    when_limits_unavailable: open\n"), 9,
        "tools[0].when_limits_unavailable", "expected allow or refuse, got 'open'");
  }

  // ------------------------------------------------------------------ reading the password at start

  @Test
  void anUnsetVariableIsAClearStartErrorThatNamesTheLine() {
    RedisPassword p = redis("  url: redis://cache\n  password_env: TOOLGATE_REDIS_PW\n").password().orElseThrow();
    assertThatThrownBy(() -> p.read(Map.<String, String>of()::get))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("toolgate.yaml:3: redis.password_env: the environment variable it names is not set (or is empty)");
    assertThatThrownBy(() -> p.read(Map.of("TOOLGATE_REDIS_PW", "")::get)).isInstanceOf(ConfigException.class);
    assertThat(p.read(Map.of("TOOLGATE_REDIS_PW", "s3cret")::get)).containsExactly("s3cret".toCharArray());
  }

  @Test
  void aPasswordFileLosesOneFinalLineBreak(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("pw");
    RedisPassword p = new RedisPassword(RedisPassword.Source.FILE, file.toString(), new ConfigLocation(dir.resolve("t.yaml"), 4,
        "redis.password_file"));
    Files.writeString(file, "s3cret pass\r\n", StandardCharsets.UTF_8);
    assertThat(new String(p.read(k -> null))).isEqualTo("s3cret pass");
    Files.writeString(file, "s3cret\n\n", StandardCharsets.UTF_8);
    assertThat(new String(p.read(k -> null))).isEqualTo("s3cret\n");
    Files.writeString(file, "\n", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> p.read(k -> null)).isInstanceOf(ConfigException.class).hasMessageContaining(":4: redis.password_file: the file it names is empty");
    Files.write(file, new byte[] {(byte) 0xc3, 0x28});
    assertThatThrownBy(() -> p.read(k -> null)).hasMessageContaining("not UTF-8 text");
    Files.write(file, new byte[RedisPassword.MAX_FILE_BYTES + 1]);
    assertThatThrownBy(() -> p.read(k -> null)).hasMessageContaining("larger than 4096 bytes");
    Files.delete(file);
    assertThatThrownBy(() -> p.read(k -> null)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot read the file it names (NoSuchFileException)")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(file.toString()));
  }

  @Test
  void noRecordOfTheSectionHoldsThePassword(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("pw");
    Files.writeString(file, "hunter2\n");
    RedisSettings r = redis("  url: redis://cache\n  password_file: " + file + "\n");
    assertThat(new String(r.password().orElseThrow().read(k -> null))).isEqualTo("hunter2");
    assertThat(r.toString()).doesNotContain("hunter2");
    assertThat(r.describe()).doesNotContain("hunter2").doesNotContain(file.toString());
    assertThat(Optional.of(r).toString()).doesNotContain("hunter2");
  }
}
