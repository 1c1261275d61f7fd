package dev.toolgate.core.config;

import dev.toolgate.core.limit.LimitKey;
import dev.toolgate.core.limit.RateLimit;
import dev.toolgate.core.limit.ToolRateLimit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * The settings that limit callers: a tool's {@code rate_limits}, the top-level
 * {@code failed_auth_limit} and {@code authorization_server.login_throttle}. Errors are recorded
 * with their line and field, like the rest of the file.
 */
final class LimitsReader {
  static final List<String> RATE_LIMIT_KEYS = List.of("per", "limit", "period");
  static final List<String> FAILED_AUTH_LIMIT_KEYS = List.of("limit", "period");
  static final List<String> LOGIN_THROTTLE_KEYS = List.of("per_user_failures", "per_ip_failures", "window");
  /** Upper bound of a rate limit's {@code limit}: a bucket's capacity. */
  static final long MAX_RATE_LIMIT = 1_000_000_000L;
  /** Upper bound of a rate limit's {@code period}: buckets unused this long are forgotten. */
  static final Duration MAX_RATE_PERIOD = Duration.ofDays(1);
  /** The one word that switches a limit off. */
  static final String OFF = "off";
  private static final String KNOWN_LIMIT_KEYS =
      Arrays.stream(LimitKey.values()).map(LimitKey::yamlName).collect(Collectors.joining(", "));

  private final Problems problems;

  LimitsReader(Problems problems) {
    this.problems = problems;
  }

  /** A tool's {@code rate_limits}: empty when absent. */
  List<ToolRateLimit> toolLimits(YamlMap tool) {
    SequenceNode seq = tool.list("rate_limits");
    if (seq == null) {
      return List.of();
    }
    List<ToolRateLimit> out = new ArrayList<>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      Node item = seq.getValue().get(i);
      String field = Yaml.index(tool.field("rate_limits"), i);
      if (Yaml.isNull(item)) {
        problems.add(item, field, "expected a rate limit such as `{ per: client, limit: 100, period: 1m }`, got nothing");
        continue;
      }
      YamlMap m = YamlMap.read(item, field, problems, RATE_LIMIT_KEYS);
      if (m == null) {
        continue;
      }
      List<LimitKey> per = null;
      if (m.require("per", "what the limit counts by: one of " + KNOWN_LIMIT_KEYS + ", or a list of them such as [client, user]")) {
        per = limitKeys(m);
      }
      RateLimit limit = rateLimit(m);
      if (per != null && limit != null) {
        out.add(new ToolRateLimit(per, limit));
      }
    }
    return out;
  }

  /**
   * Top-level {@code failed_auth_limit}: a mapping ({@code limit}, {@code period}), or {@code off};
   * the default when absent or empty, empty when off.
   */
  Optional<RateLimit> failedAuthLimit(YamlMap root) {
    Optional<RateLimit> byDefault = Optional.of(GatewayConfig.DEFAULT_FAILED_AUTH_LIMIT);
    Node node = root.value("failed_auth_limit");
    if (Yaml.isNull(node) || !Yaml.checkTag(node, "failed_auth_limit", problems)) {
      return byDefault;
    }
    if (isOff(node)) {
      return Optional.empty();
    }
    if (node instanceof ScalarNode || node instanceof SequenceNode) {
      problems.add(node, "failed_auth_limit", "expected `" + OFF + "` or a mapping such as `{ limit: 20, period: 1m }`, got "
          + Yaml.describe(node) + offHint(node, "the limit"));
      return byDefault;
    }
    YamlMap m = YamlMap.read(node, "failed_auth_limit", problems, FAILED_AUTH_LIMIT_KEYS);
    RateLimit limit = m == null ? null : rateLimit(m);
    return limit == null ? byDefault : Optional.of(limit);
  }

  /** {@code authorization_server.login_throttle}: the defaults for what is not written. */
  LoginThrottleSettings loginThrottle(YamlMap authorizationServer) {
    LoginThrottleSettings d = LoginThrottleSettings.defaults();
    YamlMap m = YamlMap.read(authorizationServer.value("login_throttle"), authorizationServer.field("login_throttle"), problems,
        LOGIN_THROTTLE_KEYS);
    if (m == null) {
      return d;
    }
    Long perUser = m.whole("per_user_failures", 1, LoginThrottleSettings.MAX_PER_USER_FAILURES);
    OptionalInt perIp = perIpFailures(m, d.perIpFailures());
    Duration window = m.duration("window");
    return new LoginThrottleSettings(
        perUser != null ? perUser.intValue() : d.perUserFailures(),
        perIp,
        window != null ? window : d.window());
  }

  /** {@code per_ip_failures}: a whole number, or {@code off} (no limit per address). */
  private OptionalInt perIpFailures(YamlMap m, OptionalInt byDefault) {
    Node node = m.value("per_ip_failures");
    if (Yaml.isNull(node) || !Yaml.checkTag(node, m.field("per_ip_failures"), problems)) {
      return byDefault;
    }
    if (isOff(node)) {
      return OptionalInt.empty();
    }
    long max = LoginThrottleSettings.MAX_PER_IP_FAILURES;
    boolean number = node instanceof ScalarNode && Tag.INT.equals(node.getTag());
    Long value = number ? Yaml.parseYamlInt(((ScalarNode) node).getValue()) : null;
    if (value == null || value < 1 || value > max) {
      m.error("per_ip_failures", "expected a whole number from 1 to " + max + ", or `" + OFF + "`, got "
          + (number ? ((ScalarNode) node).getValue() : Yaml.describe(node)) + offHint(node, "the limit per address"));
      return byDefault;
    }
    return OptionalInt.of(value.intValue());
  }

  private static boolean isOff(Node node) {
    return node instanceof ScalarNode scalar && Tag.STR.equals(node.getTag()) && OFF.equals(scalar.getValue());
  }

  /** For a value that looks meant to switch something off ({@code false}, {@code Off}, {@code none}...). */
  private static String offHint(Node node, String what) {
    if (!(node instanceof ScalarNode scalar)) {
      return "";
    }
    String text = scalar.getValue().strip().toLowerCase(java.util.Locale.ROOT);
    return List.of("off", "false", "no", "none", "disabled").contains(text) ? "; write `" + OFF + "` to switch " + what + " off" : "";
  }

  private List<LimitKey> limitKeys(YamlMap m) {
    Node node = m.value("per");
    List<Node> items = node instanceof SequenceNode seq ? seq.getValue() : List.of(node);
    if (items.isEmpty()) {
      m.error("per", "must name at least one of " + KNOWN_LIMIT_KEYS);
      return null;
    }
    List<LimitKey> keys = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < items.size(); i++) {
      Node item = items.get(i);
      String itemField = node instanceof SequenceNode ? Yaml.index(m.field("per"), i) : m.field("per");
      String text = Yaml.text(item, itemField, problems);
      if (text == null) {
        if (Yaml.isNull(item)) {
          problems.add(item, itemField, "expected one of " + KNOWN_LIMIT_KEYS + ", got nothing");
        }
        ok = false;
        continue;
      }
      Optional<LimitKey> key = LimitKey.fromYaml(text);
      if (key.isEmpty()) {
        List<String> known = Arrays.stream(LimitKey.values()).map(LimitKey::yamlName).toList();
        problems.add(item, itemField, "unknown key kind " + Yaml.quote(text) + " (known: " + KNOWN_LIMIT_KEYS + ")"
            + ConfigReader.caseHint(text, known));
        ok = false;
      } else if (keys.contains(key.get())) {
        problems.add(item, itemField, Yaml.quote(text) + " is listed twice");
        ok = false;
      } else {
        keys.add(key.get());
      }
    }
    return ok ? keys : null;
  }

  /** {@code limit} (required, at least 1) and {@code period} (required, whole seconds from 1s to 1 day). */
  private RateLimit rateLimit(YamlMap m) {
    Long limit = null;
    if (m.require("limit", "how many calls a bucket allows per period, e.g. `limit: 100`")) {
      limit = m.whole("limit", 1, MAX_RATE_LIMIT);
    }
    Duration period = null;
    if (m.require("period", "the time the bucket refills over, e.g. `period: 1m`")) {
      period = m.duration("period");
      if (period != null && (period.getNano() != 0 || period.compareTo(Duration.ofSeconds(1)) < 0)) {
        m.error("period", "must be a whole number of seconds, at least 1s (rate-limit headers count in seconds), got " + Units.format(period));
        period = null;
      } else if (period != null && period.compareTo(MAX_RATE_PERIOD) > 0) {
        m.error("period", "must be at most " + Units.format(MAX_RATE_PERIOD) + ", got " + Units.format(period));
        period = null;
      }
    }
    return limit != null && period != null ? new RateLimit(limit, period) : null;
  }
}
