package dev.toolgate.core.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * The top-level {@code redis:} section ({@link RedisSettings}) and each tool's
 * {@code when_limits_unavailable}. Values that may hold a secret (the URL, the password's variable
 * name or file) are never repeated in errors.
 */
final class RedisReader {
  static final List<String> REDIS_KEYS = List.of("url", "sentinel", "cluster", "username", "password_env", "password_file",
      "timeout", "connect_timeout", "when_unavailable");
  static final List<String> SENTINEL_KEYS = List.of("master", "nodes", "database", "tls");
  static final List<String> CLUSTER_KEYS = List.of("nodes", "tls");
  static final List<String> WHEN_UNAVAILABLE_KEYS = List.of("rate_limits", "failed_auth_limit", "login_throttle");
  static final String TOOL_KEY = "when_limits_unavailable";
  static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);
  static final long MAX_DATABASE = Integer.MAX_VALUE;
  private static final List<String> FORMS = List.of("url", "sentinel", "cluster");
  private static final Map<String, String> REFUSED = Map.of("password", "a literal password is refused: " + ConfigReader.NO_SECRETS
      + "; name an environment variable with `password_env`, or a file holding the password with `password_file`");
  private static final String URL_FORM = "redis://host:port[/database], or rediss://... for TLS";
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9.-]{1,253}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  /** Printable ASCII without spaces: what Redis ACL user names and master names are in practice. */
  private static final Pattern NAME = Pattern.compile("[\\x21-\\x7E]{1,128}");
  private static final String KNOWN_FALLBACKS = String.join(" or ", WhenUnavailable.yamlNames());

  private final Problems problems;
  private final Path source;
  private final Path baseDir;

  RedisReader(Problems problems, Path source, Path baseDir) {
    this.problems = problems;
    this.source = source;
    this.baseDir = baseDir;
  }

  /** {@code redis:}; empty when the section is not written (or has errors, then recorded). */
  Optional<RedisSettings> read(YamlMap root) {
    if (!root.written("redis")) {
      return Optional.empty();
    }
    int errorsBefore = problems.size();
    YamlMap m = YamlMap.read(root.value("redis"), "redis", problems, REDIS_KEYS, REFUSED);
    if (m == null) {
      return Optional.empty();
    }
    List<String> forms = FORMS.stream().filter(m::written).toList();
    if (forms.isEmpty()) {
      problems.add(root.lineOf("redis"), "redis", "required: where Redis is, as exactly one of `url` (" + URL_FORM
          + "), `sentinel` ({master, nodes}) or `cluster` ({nodes})");
      return Optional.empty();
    }
    for (String extra : forms.subList(1, forms.size())) {
      problems.add(m.lineOf(extra), m.field(extra), "`" + forms.get(0) + "` is already set: url, sentinel and cluster are"
          + " alternatives, write exactly one");
    }
    Form form = switch (forms.get(0)) {
      case "url" -> url(m);
      case "sentinel" -> sentinel(m);
      default -> cluster(m);
    };
    String username = username(m);
    Optional<RedisPassword> password = password(m);
    if (username != null && password.isEmpty()) {
      m.error("username", "an ACL user needs its password: add `password_env` or `password_file`");
    }
    Duration timeout = timeout(m, "timeout");
    Duration connectTimeout = timeout(m, "connect_timeout");
    RedisFallbacks fallbacks = fallbacks(m);
    if (form == null || problems.size() != errorsBefore) {
      return Optional.empty();
    }
    return Optional.of(new RedisSettings(form.topology, form.nodes, form.master, form.database, form.tls, username, password,
        timeout, connectTimeout, fallbacks, new ConfigLocation(source, root.lineOf("redis"), "redis")));
  }

  /**
   * A tool's {@code when_limits_unavailable}: empty when absent. Only meaningful for a tool with
   * {@code rate_limits} in a configuration with {@code redis:}; anything else is an error, and so is
   * {@code allow} on a high-risk tool, whose limits always fail closed.
   */
  Optional<WhenUnavailable> toolFallback(YamlMap tool, boolean redisConfigured, boolean hasRateLimits, boolean highRisk) {
    WhenUnavailable value = fallback(tool, TOOL_KEY);
    if (value == null) {
      return Optional.empty();
    }
    if (!redisConfigured) {
      tool.error(TOOL_KEY, "has no effect without a top-level `redis:` section: rate limits are then counted in this process,"
          + " which is always available");
    } else if (!hasRateLimits) {
      tool.error(TOOL_KEY, "has no effect: the tool has no `rate_limits`");
    } else if (highRisk && value == WhenUnavailable.ALLOW) {
      tool.error(TOOL_KEY, "cannot be allow: the tool's user token is high-risk (max_age, single_use or audience: tool),"
          + " so its rate limits always refuse calls while Redis is unavailable");
    }
    return Optional.of(value);
  }

  /** The parts of the three forms that differ. */
  private record Form(RedisSettings.Topology topology, List<RedisNode> nodes, String master, int database, boolean tls) {}

  private Form url(YamlMap m) {
    String text = m.nonEmpty("url");
    if (text == null) {
      return null;
    }
    int schemeEnd = text.indexOf("://");
    String scheme = schemeEnd < 0 ? "" : text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    String rest = schemeEnd < 0 ? "" : text.substring(schemeEnd + 3);
    int authorityEnd = rest.length();
    for (char c : new char[] {'/', '?', '#'}) {
      int i = rest.indexOf(c);
      authorityEnd = i >= 0 ? Math.min(authorityEnd, i) : authorityEnd;
    }
    String authority = rest.substring(0, authorityEnd);
    String tail = rest.substring(authorityEnd);
    // Checked before anything is echoed: the URL may carry a password.
    if (authority.contains("@")) {
      m.error("url", "must not carry a user name or password (user:password@): " + ConfigReader.NO_SECRETS
          + "; name the password with `password_env` or `password_file`, and an ACL user with `username`");
      return null;
    }
    if (scheme.equals("redis-sentinel") || scheme.equals("redis+sentinel")) {
      m.error("url", "for Redis Sentinel write `sentinel: {master: NAME, nodes: [host:port, ...]}` instead of `url`");
      return null;
    }
    if (!scheme.equals("redis") && !scheme.equals("rediss")) {
      m.error("url", (schemeEnd < 0 ? "has no scheme" : "unknown scheme " + Yaml.quote(scheme) + " (known: redis, rediss)")
          + "; expected " + URL_FORM);
      return null;
    }
    if (tail.contains("?") || tail.contains("#")) {
      m.error("url", "query parameters and fragments are not read; the URL is " + URL_FORM
          + " (timeouts are `timeout` and `connect_timeout`, the password `password_env` or `password_file`)");
      return null;
    }
    int database = 0;
    String path = tail.isEmpty() ? "" : tail.substring(1);
    if (!path.isEmpty()) {
      Long db = path.matches("[0-9]{1,10}") ? Long.valueOf(path) : null;
      if (db == null || db > MAX_DATABASE) {
        m.error("url", "the path must be the database number, e.g. redis://127.0.0.1:6379/0");
        return null;
      }
      database = db.intValue();
    }
    RedisNode node = node(m.value("url"), m.field("url"), authority, RedisSettings.DEFAULT_PORT);
    return node == null ? null : new Form(RedisSettings.Topology.STANDALONE, List.of(node), null, database, scheme.equals("rediss"));
  }

  private Form sentinel(YamlMap redis) {
    YamlMap m = YamlMap.read(redis.value("sentinel"), redis.field("sentinel"), problems, SENTINEL_KEYS);
    if (m == null) {
      return null;
    }
    String master = null;
    if (m.require("master", "the name of the master the sentinels monitor, e.g. `master: mymaster`")) {
      master = m.nonEmpty("master");
      if (master != null && !NAME.matcher(master).matches()) {
        m.error("master", "expected a master name of printable characters without spaces, up to 128, got " + Yaml.quote(master));
        master = null;
      }
    }
    List<RedisNode> nodes = nodes(m, "the sentinels, e.g. `nodes: [10.0.0.5:26379, 10.0.0.6:26379]`");
    Long database = m.whole("database", 0, MAX_DATABASE);
    Boolean tls = m.bool("tls");
    return master == null || nodes == null ? null : new Form(RedisSettings.Topology.SENTINEL, nodes, master,
        database == null ? 0 : database.intValue(), Boolean.TRUE.equals(tls));
  }

  private Form cluster(YamlMap redis) {
    YamlMap m = YamlMap.read(redis.value("cluster"), redis.field("cluster"), problems, CLUSTER_KEYS);
    if (m == null) {
      return null;
    }
    List<RedisNode> nodes = nodes(m, "one or more nodes of the cluster, e.g. `nodes: [10.0.0.5:7000, 10.0.0.6:7000]`");
    Boolean tls = m.bool("tls");
    return nodes == null ? null : new Form(RedisSettings.Topology.CLUSTER, nodes, null, 0, Boolean.TRUE.equals(tls));
  }

  /** {@code nodes}: a non-empty list of distinct {@code host:port}; null when absent or wrong (error recorded). */
  private List<RedisNode> nodes(YamlMap m, String what) {
    if (!m.require("nodes", what)) {
      return null;
    }
    SequenceNode seq = m.list("nodes");
    if (seq == null) {
      return null;
    }
    if (seq.getValue().isEmpty()) {
      m.error("nodes", "must list at least one host:port");
      return null;
    }
    List<RedisNode> nodes = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < seq.getValue().size(); i++) {
      Node item = seq.getValue().get(i);
      String field = Yaml.index(m.field("nodes"), i);
      String text = Yaml.text(item, field, problems);
      if (text == null) {
        if (Yaml.isNull(item)) {
          problems.add(item, field, "expected host:port, got nothing");
        }
        ok = false;
        continue;
      }
      RedisNode node = node(item, field, text, 0);
      if (node != null && nodes.contains(node)) {
        problems.add(item, field, Yaml.quote(text) + " is listed twice");
        node = null;
      }
      ok &= node != null;
      if (node != null) {
        nodes.add(node);
      }
    }
    return ok ? nodes : null;
  }

  /**
   * {@code host:port}, {@code [ipv6]:port}, or without the port when {@code defaultPort} is not 0.
   * Null when wrong (error recorded).
   */
  private RedisNode node(Node at, String field, String text, int defaultPort) {
    if (text.contains("@")) { // checked before anything is echoed: user:password@host:port
      problems.add(at, field, "must not carry a user name or password (user:password@): " + ConfigReader.NO_SECRETS
          + "; name the password with `password_env` or `password_file`, and an ACL user with `username`");
      return null;
    }
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      host = close < 0 ? "" : text.substring(1, close);
      String after = close < 0 ? "" : text.substring(close + 1);
      port = after.startsWith(":") ? after.substring(1) : after.isEmpty() ? null : "?";
      if (close < 0 || !IPV6.matcher(host).matches() || !host.contains(":")) {
        problems.add(at, field, "expected an IPv6 address in brackets such as [::1]:6379, got " + Yaml.quote(text));
        return null;
      }
    } else {
      int colon = text.lastIndexOf(':');
      host = colon < 0 ? text : text.substring(0, colon);
      port = colon < 0 ? null : text.substring(colon + 1);
      if (host.contains(":")) {
        problems.add(at, field, "write an IPv6 address in brackets, e.g. [::1]:6379, got " + Yaml.quote(text));
        return null;
      }
      if (!HOST_NAME.matcher(host).matches()) {
        problems.add(at, field, "expected host:port with a host name or IP address, e.g. 10.0.0.5:6379, got " + Yaml.quote(text));
        return null;
      }
    }
    if (port == null && defaultPort != 0) {
      return new RedisNode(host, defaultPort);
    }
    Long number = port != null && port.matches("[0-9]{1,5}") ? Long.valueOf(port) : null;
    if (number == null || number < 1 || number > 65535) {
      problems.add(at, field, (port == null ? "needs a port" : "the port must be a number from 1 to 65535")
          + ", e.g. 10.0.0.5:6379; got " + Yaml.quote(text));
      return null;
    }
    return new RedisNode(host, number.intValue());
  }

  private String username(YamlMap m) {
    String name = m.nonEmpty("username");
    if (name != null && !NAME.matcher(name).matches()) {
      // Not echoed: it could be a pasted password.
      m.error("username", "expected an ACL user name of printable characters without spaces, up to 128");
      return null;
    }
    return name;
  }

  private Optional<RedisPassword> password(YamlMap m) {
    if (m.has("password_env") && m.has("password_file")) {
      m.error("password_file", "`password_env` is already set: the password comes from one place, write one of the two");
      return Optional.empty();
    }
    String env = m.nonEmpty("password_env");
    if (env != null) {
      if (!ENV_NAME.matcher(env).matches()) {
        m.error("password_env", "must be the NAME of an environment variable (letters, digits and '_', not starting with a"
            + " digit), not the password itself: " + ConfigReader.NO_SECRETS);
        return Optional.empty();
      }
      return Optional.of(new RedisPassword(RedisPassword.Source.ENV, env, location(m, "password_env")));
    }
    String file = m.nonEmpty("password_file");
    if (file != null) {
      try {
        Path p = Path.of(file);
        String resolved = p.isAbsolute() ? file : baseDir.resolve(p).normalize().toString();
        return Optional.of(new RedisPassword(RedisPassword.Source.FILE, resolved, location(m, "password_file")));
      } catch (InvalidPathException e) {
        m.error("password_file", "is not a valid file path (" + e.getReason() + ")");
      }
    }
    return Optional.empty();
  }

  private ConfigLocation location(YamlMap m, String key) {
    return new ConfigLocation(source, m.lineOf(key), m.field(key));
  }

  /** A timeout: positive, at most {@link #MAX_TIMEOUT}; null for the default. */
  private Duration timeout(YamlMap m, String key) {
    Duration d = m.duration(key);
    if (d != null && d.compareTo(MAX_TIMEOUT) > 0) {
      m.error(key, "must be at most " + Units.format(MAX_TIMEOUT) + ", got " + Units.format(d));
      return null;
    }
    return d;
  }

  private RedisFallbacks fallbacks(YamlMap redis) {
    RedisFallbacks d = RedisFallbacks.defaults();
    YamlMap m = YamlMap.read(redis.value("when_unavailable"), redis.field("when_unavailable"), problems, WHEN_UNAVAILABLE_KEYS);
    if (m == null) {
      return d;
    }
    WhenUnavailable rateLimits = fallback(m, "rate_limits");
    WhenUnavailable failedAuth = fallback(m, "failed_auth_limit");
    WhenUnavailable login = fallback(m, "login_throttle");
    return new RedisFallbacks(rateLimits != null ? rateLimits : d.rateLimits(), failedAuth != null ? failedAuth : d.failedAuthLimit(),
        login != null ? login : d.loginThrottle());
  }

  private WhenUnavailable fallback(YamlMap m, String key) {
    String text = m.string(key);
    if (text == null) {
      return null;
    }
    Optional<WhenUnavailable> value = WhenUnavailable.fromYaml(text);
    if (value.isEmpty()) {
      m.error(key, "expected " + KNOWN_FALLBACKS + ", got " + Yaml.quote(text) + ConfigReader.caseHint(text, WhenUnavailable.yamlNames()));
      return null;
    }
    return value.get();
  }
}
