package dev.toolgate.core.config;

import dev.toolgate.core.limit.ToolRateLimit;
import dev.toolgate.core.net.CidrSet;
import dev.toolgate.core.route.PathAmbiguity;
import dev.toolgate.core.route.PathPattern;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * The {@code tools:} list ({@link ToolConfig}): each tool's route, upstream, platform and preset,
 * then across tools, unique names and routes that do not overlap. A tool's {@code policy} is read
 * by {@link PolicyReader}, its {@code user} and {@code owner} by {@link UserBindingReader}, its
 * {@code rate_limits} by {@link LimitsReader}.
 */
final class ToolsReader {
  static final List<String> KEYS = List.of("name", "method", "path", "upstream", "platform", "preset", "policy", "user", "owner",
      "allowed_ips", "rate_limits", ForwardHeadersReader.KEY, "allow_in_path",
      RedisReader.TOOL_KEY, TlsReader.TOOL_KEY, McpReader.KEY);
  /** Toolgate's own endpoints; tools may not be declared under them (they would never be reached). */
  static final List<String> RESERVED_PREFIXES = List.of("/healthz", "/readyz", "/metrics", "/oauth", "/.well-known", "/admin", "/auth", "/decisions", "/console");
  static final Pattern NAME = Pattern.compile("[a-z0-9_.-]{1,64}");
  private static final Pattern METHOD = Pattern.compile("[!#$%&'+.^_`|~0-9A-Za-z-]+");
  private static final String KNOWN_AMBIGUITIES = String.join(", ", PathAmbiguity.yamlNames());
  private static final String KNOWN_PRESETS = String.join(", ", Arrays.stream(ToolPreset.values()).map(ToolPreset::yamlName).toList());

  /** A tool as read, kept even when incomplete so that the checks across tools still run. */
  private record Draft(int index, String name, Node nameNode, String method, PathPattern pattern, Node pathNode, int line, ToolConfig config) {}

  private final Problems problems;
  private final PlatformsReader.Platforms platforms;
  private final AuthServerSettings authorizationServer;
  private final PolicyReader policies;
  private final UserBindingReader userBindings;
  private final LimitsReader limits;
  private final RedisReader redisReader;
  /** Whether the file has a {@code redis:} section: tools may then say what their limits do without it. */
  private final boolean redisConfigured;
  private final TlsReader tls;
  private final McpReader mcp;

  ToolsReader(Problems problems, PlatformsReader.Platforms platforms, AuthServerSettings authorizationServer, PolicyReader policies,
      UserBindingReader userBindings, LimitsReader limits, RedisReader redisReader, boolean redisConfigured, TlsReader tls) {
    this.problems = problems;
    this.tls = tls;
    this.platforms = platforms;
    this.authorizationServer = authorizationServer;
    this.policies = policies;
    this.userBindings = userBindings;
    this.limits = limits;
    this.redisReader = redisReader;
    this.redisConfigured = redisConfigured;
    this.mcp = new McpReader(problems, policies, userBindings, limits, authorizationServer);
  }

  List<ToolConfig> read(YamlMap root) {
    if (!root.has("tools")) {
      problems.add(root.lineOf("tools"), "tools",
          "required: declare at least one tool (name, method, path, upstream, policy)");
      return List.of();
    }
    SequenceNode seq = root.list("tools");
    if (seq == null) {
      return List.of();
    }
    if (seq.getValue().isEmpty()) {
      problems.add(seq, "tools", "must list at least one tool (name, method, path, upstream, policy)");
      return List.of();
    }
    List<Draft> drafts = new ArrayList<>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      Draft draft = readTool(i, seq.getValue().get(i));
      if (draft != null) {
        drafts.add(draft);
      }
    }
    checkUniqueNames(drafts);
    checkOverlaps(drafts);
    checkUniqueResources(drafts);
    List<ToolConfig> tools = new ArrayList<>();
    for (Draft d : drafts) {
      if (d.config() != null) {
        tools.add(d.config());
      }
    }
    return tools;
  }

  private Draft readTool(int index, Node node) {
    String field = Yaml.index("tools", index);
    if (Yaml.isNull(node)) {
      problems.add(node, field, "expected a tool (a mapping with name, method, path, upstream, policy), got nothing");
      return null;
    }
    YamlMap m = YamlMap.read(node, field, problems, KEYS);
    if (m == null) {
      return null;
    }
    int errorsBefore = problems.size();

    String name = null;
    if (m.require("name", "a unique tool id, e.g. `name: order_status`")) {
      name = m.nonEmpty("name");
      if (name != null && !NAME.matcher(name).matches()) {
        m.error("name", "invalid tool name " + Yaml.quote(name) + " (1 to 64 characters from a-z, 0-9, '_', '.' and '-')");
        name = null;
      }
    }

    String method = null;
    if (m.written(McpReader.KEY) && !m.written("method")) {
      method = "*"; // an MCP server takes POST, GET and DELETE at one path; the route refuses other methods itself
    } else if (m.require("method", "an HTTP method such as GET or POST, or \"*\" for any")) {
      method = m.nonEmpty("method");
      if (method != null && !method.equals("*") && !METHOD.matcher(method).matches()) {
        m.error("method", "invalid HTTP method " + Yaml.quote(method) + " (a method such as GET or POST, or \"*\" for any)");
        method = null;
      }
      method = method == null ? null : method.toUpperCase(Locale.ROOT);
    }

    String pathText = null;
    PathPattern pattern = null;
    if (m.require("path", "the route, e.g. `path: /orders/{order_id}`")) {
      pathText = m.nonEmpty("path");
      if (pathText != null) {
        try {
          pattern = PathPattern.parse(pathText);
          String reserved = reservedPrefix(pathText);
          if (reserved != null) {
            m.error("path", "path " + Yaml.quote(pathText) + " is under " + reserved + ", which Toolgate serves itself (reserved: " + String.join(", ", RESERVED_PREFIXES) + ")");
          }
        } catch (IllegalArgumentException e) {
          m.error("path", "invalid path pattern " + Yaml.quote(pathText) + ": " + e.getMessage());
        }
      }
    }

    URI upstream = null;
    if (m.require("upstream", "the URL allowed calls are forwarded to, e.g. `upstream: http://127.0.0.1:9000`")) {
      String upstreamText = m.nonEmpty("upstream");
      if (upstreamText != null) {
        try {
          upstream = UpstreamUrl.parse(upstreamText);
        } catch (IllegalArgumentException e) {
          m.error("upstream", e.getMessage());
        }
      }
    }
    if (upstream != null && pattern != null) {
      List<String> params = pattern.parameterNames();
      for (String placeholder : UpstreamUrl.placeholders(upstream)) {
        if (!params.contains(placeholder)) {
          m.error("upstream", "placeholder {" + placeholder + "} is not a parameter of path " + pathText
              + (params.isEmpty() ? " (it has none)" : " (parameters: " + String.join(", ", params) + ")"));
        }
      }
    }

    String platform = m.nonEmpty("platform");
    if (platform != null && !platforms.names().contains(platform)) {
      m.error("platform", "unknown platform " + Yaml.quote(platform) + (platforms.names().isEmpty()
          ? " (no platforms are declared under `platforms:`)"
          : " (declared: " + String.join(", ", platforms.names()) + ")"));
    }

    ToolPreset preset = readPreset(m, platform);
    Policy policy = null;
    if (m.has("policy")) {
      // The platform says where signatures and API keys arrive; an unknown platform (already an error) gives null.
      PlatformConfig platformConfig = platform == null ? PlatformConfig.withDefaults("") : platforms.configs().get(platform);
      policy = policies.read(m.value("policy"), m.field("policy"), platformConfig);
    } else if (preset != null) {
      policy = preset.policy(authorizationServer.defaultResource());
    } else if (!m.has("preset")) { // a wrong preset is reported as such
      problems.add(m.lineOf("policy"), m.field("policy"),
          "every tool needs a policy; declare `anonymous: true` for open access, or name a `preset` (" + KNOWN_PRESETS + ")");
    }

    boolean anonymous = policy != null && policy.anonymous();
    UserBinding user = m.written("user") ? userBindings.tool(m, platform, pattern, policy)
        : preset != null ? preset.user()
        : platform != null && !anonymous ? platforms.bindings().get(platform) : null;
    Ownership owner = m.written("owner") ? userBindings.ownership(m, pattern, user) : null;
    if (anonymous && (m.written("user") || m.written("owner"))) {
      // Binding would look users up for callers who proved nothing, and tell them which ids exist.
      m.error(m.written("user") ? "user" : "owner", "an anonymous tool cannot bind users: it has no credentials to bind them to");
    }
    if (user != null && policy != null && policy.requires(CredentialKind.USER_TOKEN) && !policy.userToken().issuedByToolgate()) {
      m.error(m.written("user") ? "user" : m.written("preset") ? "preset" : "policy", "binding a user token from trusted issuer '"
          + policy.userToken().issuer() + "' is not supported: its subjects are not Toolgate users; bind Toolgate's customer tokens (issuer toolgate)");
    }
    CidrSet allowedIps = m.cidrs("allowed_ips", false);
    List<ToolRateLimit> rateLimits = limits.toolLimits(m);
    Set<String> forwardHeaders = ForwardHeadersReader.read(m, problems);
    Set<PathAmbiguity> allowInPath = readAllowInPath(m, pathText);
    boolean highRisk = policy != null && policy.userToken() != null && policy.userToken().highRisk();
    Optional<WhenUnavailable> limitsFallback = redisReader.toolFallback(m, redisConfigured, !rateLimits.isEmpty(), highRisk);
    PemFile upstreamCa = tls.upstreamCa(m, upstream);
    PlatformConfig platformConfig = platform == null ? PlatformConfig.withDefaults("") : platforms.configs().get(platform);
    McpSettings mcpSettings = mcp.read(new McpReader.Tool(m, name, platform, platformConfig, pattern, pathText, policy, user));

    int line = m.line();
    ToolConfig config = problems.size() == errorsBefore
        ? new ToolConfig(name, method, pathText, upstream, platform, policy, line, allowedIps, rateLimits, user, owner, forwardHeaders, allowInPath,
            limitsFallback).withUpstreamCa(upstreamCa).withMcp(mcpSettings)
        : null;
    return new Draft(index, name, m.value("name"), method, pattern, m.value("path"), line, config);
  }

  /** tools[i].allow_in_path: the ambiguous path forms that may reach this tool; empty when absent. */
  private Set<PathAmbiguity> readAllowInPath(YamlMap m, String pathText) {
    List<String> names = m.strings("allow_in_path", "one of " + KNOWN_AMBIGUITIES,
        text -> PathAmbiguity.fromYaml(text).isPresent() ? null
            : "unknown path form " + Yaml.quote(text) + " (known: " + KNOWN_AMBIGUITIES + ")" + ConfigReader.caseHint(text, PathAmbiguity.yamlNames()));
    Set<PathAmbiguity> allowed = EnumSet.noneOf(PathAmbiguity.class);
    for (String name : names == null ? List.<String>of() : names) {
      allowed.add(PathAmbiguity.fromYaml(name).orElseThrow());
    }
    if (pathText != null && !allowed.contains(PathAmbiguity.TRAILING_DOT) && Arrays.stream(pathText.split("/")).anyMatch(p -> p.endsWith("."))) {
      m.error("path", "a segment of " + Yaml.quote(pathText) + " ends in '.', which requests may only carry with `allow_in_path: [trailing_dot]`");
    }
    return allowed;
  }

  /** tools[i].preset; null when absent or wrong (error recorded). */
  private ToolPreset readPreset(YamlMap m, String platform) {
    String text = m.nonEmpty("preset");
    if (text == null) {
      return null;
    }
    Optional<ToolPreset> preset = ToolPreset.fromYaml(text);
    if (preset.isEmpty()) {
      m.error("preset", "unknown preset " + Yaml.quote(text) + " (known: " + KNOWN_PRESETS + ")");
      return null;
    }
    if (preset.get().needsPlatform() && platform == null) {
      m.error("preset", "preset " + text + " binds the platform's user ids to users: name the tool's platform too (`platform: sendbird`)");
      return null;
    }
    return preset.get();
  }

  private void checkUniqueNames(List<Draft> drafts) {
    Map<String, Draft> first = new LinkedHashMap<>();
    for (Draft d : drafts) {
      if (d.name() == null) {
        continue;
      }
      Draft earlier = first.putIfAbsent(d.name(), d);
      if (earlier != null) {
        problems.add(d.nameNode(), Yaml.index("tools", d.index()) + ".name",
            "duplicate tool name '" + d.name() + "' (first declared at line " + earlier.line() + ")");
      }
    }
  }

  /** Two MCP routes for one resource would take each other's tokens (and share one metadata document). */
  private void checkUniqueResources(List<Draft> drafts) {
    Map<String, Draft> first = new LinkedHashMap<>();
    for (Draft d : drafts) {
      if (d.config() == null || d.config().mcp() == null) {
        continue;
      }
      Draft earlier = first.putIfAbsent(d.config().mcp().resource(), d);
      if (earlier != null) {
        problems.add(d.line(), Yaml.index("tools", d.index()) + ".mcp.resource", "MCP resource " + d.config().mcp().resource()
            + " is already the resource of tool " + label(earlier) + " (line " + earlier.line() + "): each MCP route needs its own");
      }
    }
  }

  /** Two tools whose methods can both match and whose paths overlap would make routing ambiguous. */
  private void checkOverlaps(List<Draft> drafts) {
    for (int j = 0; j < drafts.size(); j++) {
      Draft b = drafts.get(j);
      if (b.method() == null || b.pattern() == null) {
        continue;
      }
      for (int i = 0; i < j; i++) {
        Draft a = drafts.get(i);
        if (a.method() == null || a.pattern() == null) {
          continue;
        }
        boolean methodsMeet = a.method().equals(b.method()) || a.method().equals("*") || b.method().equals("*");
        if (methodsMeet && a.pattern().overlaps(b.pattern())) {
          problems.add(b.pathNode(), Yaml.index("tools", b.index()) + ".path",
              "route " + b.method() + " " + b.pattern() + " of tool " + label(b) + " overlaps route " + a.method() + " "
                  + a.pattern() + " of tool " + label(a) + " (line " + a.line() + "): a request could match both;"
                  + " make the paths or the methods distinct");
        }
      }
    }
  }

  private static String label(Draft d) {
    return d.name() != null ? "'" + d.name() + "'" : "tools[" + d.index() + "]";
  }

  private static String reservedPrefix(String path) {
    for (String prefix : RESERVED_PREFIXES) {
      if (path.equals(prefix) || path.startsWith(prefix + "/")) {
        return prefix;
      }
    }
    return null;
  }
}
