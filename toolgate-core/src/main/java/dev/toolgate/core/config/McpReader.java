package dev.toolgate.core.config;

import dev.toolgate.core.limit.ToolRateLimit;
import dev.toolgate.core.route.PathPattern;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * A tool's {@code mcp:} section ({@link McpSettings}) and its rules ({@link McpRule}). A rule's
 * {@code policy} is read by {@link PolicyReader}, its {@code user} and {@code owner} by
 * {@link UserBindingReader}, its {@code rate_limits} by {@link LimitsReader}: the vocabulary of a tool.
 */
final class McpReader {
  static final String KEY = "mcp";
  static final List<String> KEYS = List.of("resource", "allowed_origins", "unlisted_tools", "filter_tools_list", "stream", "methods", "tools");
  static final List<String> STREAM_KEYS = List.of("max_duration", "keepalive");
  static final List<String> RULE_KEYS = List.of("deny", "policy", "scopes", "rate_limits", "user", "owner");
  /** A JSON-RPC method name as MCP spells them ({@code tools/call}, {@code notifications/initialized}). */
  private static final Pattern METHOD = Pattern.compile("[A-Za-z0-9_./-]{1,128}");
  /** An MCP tool name (the spec's SEP-986 characters, and a length no client needs more than). */
  private static final Pattern TOOL = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

  private final Problems problems;
  private final PolicyReader policies;
  private final UserBindingReader userBindings;
  private final LimitsReader limits;
  private final AuthServerSettings authorizationServer;

  McpReader(Problems problems, PolicyReader policies, UserBindingReader userBindings, LimitsReader limits, AuthServerSettings authorizationServer) {
    this.problems = problems;
    this.policies = policies;
    this.userBindings = userBindings;
    this.limits = limits;
    this.authorizationServer = authorizationServer;
  }

  /** What a tool declares around its {@code mcp:} section, needed to read and check it. */
  record Tool(YamlMap map, String name, String platform, PlatformConfig platformConfig, PathPattern pattern, String path, Policy policy,
      UserBinding user) {}

  /** tools[i].mcp; null when the tool has none or it has errors (recorded). */
  McpSettings read(Tool tool) {
    YamlMap t = tool.map();
    if (!t.written(KEY)) {
      return null;
    }
    YamlMap m = YamlMap.read(t.value(KEY), t.field(KEY), problems, KEYS);
    if (m == null) {
      return null;
    }
    int errorsBefore = problems.size();
    if (tool.pattern() != null && !tool.pattern().parameterNames().isEmpty() || tool.path() != null && tool.path().contains("*")) {
      t.error("path", "an MCP server is served at one literal path (e.g. /mcp), without {parameters} or **");
    }
    if (t.written("owner")) {
      t.error("owner", "on an MCP route the owner is read from a tool's arguments: set it per tool under `mcp.tools.<name>.owner`");
    }
    if (tool.user() != null && tool.user().identities().values().stream().anyMatch(l -> l.place() == IdentityLocation.Place.BODY)) {
      t.error("user", "on an MCP route body fields are per method or tool: set `user` under `mcp.tools.<name>` (pointers into params.arguments)");
    }
    checkNoAudience(t, "policy");
    String resource = resource(m, tool.path());
    List<String> origins = m.strings("allowed_origins", "an origin such as https://app.example.com", McpReader::originProblem,
        o -> o.toLowerCase(Locale.ROOT));
    McpSettings.Unlisted unlisted = McpSettings.Unlisted.ALLOW;
    String unlistedText = m.nonEmpty("unlisted_tools");
    if (unlistedText != null) {
      switch (unlistedText) {
        case "allow" -> unlisted = McpSettings.Unlisted.ALLOW;
        case "deny" -> unlisted = McpSettings.Unlisted.DENY;
        default -> m.error("unlisted_tools", "expected allow (the route's policy judges tools without a rule) or deny (they are refused)");
      }
    }
    Boolean filter = m.bool("filter_tools_list");
    YamlMap stream = YamlMap.read(m.value("stream"), m.field("stream"), problems, STREAM_KEYS);
    Duration maxStream = McpSettings.DEFAULT_MAX_STREAM;
    Duration keepalive = null;
    if (stream != null) {
      Duration max = stream.duration("max_duration");
      maxStream = max != null ? max : maxStream;
      keepalive = stream.has("keepalive") && "off".equals(stream.string("keepalive")) ? null : stream.duration("keepalive");
    }
    Map<String, McpRule> methods = rules(m, "methods", METHOD, "a JSON-RPC method such as tools/list", tool, "params");
    Map<String, McpRule> tools = rules(m, "tools", TOOL, "an MCP tool name (letters, digits, '_', '.', '-')", tool, "params.arguments");
    if (methods.containsKey("tools/call") && !tools.isEmpty()) {
      m.error("methods", "tools/call is judged per tool under `mcp.tools`; a rule for the method as a whole would be ambiguous beside them");
    }
    if (problems.size() != errorsBefore || resource == null) {
      return null;
    }
    return new McpSettings(resource, origins == null ? List.of() : origins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList(), unlisted,
        filter != null && filter, maxStream, keepalive, methods, tools);
  }

  /** mcp.resource, or the issuer's origin with the route's path. */
  private String resource(YamlMap m, String path) {
    String text = m.nonEmpty("resource");
    if (text == null) {
      if (path == null) {
        return null;
      }
      URI issuer = authorizationServer.issuer();
      return issuer.getScheme() + "://" + issuer.getRawAuthority() + path;
    }
    String problem = ValueChecks.resourceProblem(text);
    URI uri = problem == null ? URI.create(text) : null;
    if (problem == null && !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
      problem = "must be the http(s) URL clients reach this MCP server at";
    } else if (problem == null && (uri.getRawQuery() != null || uri.getRawPath() == null || uri.getRawPath().isEmpty())) {
      problem = "must be a URL with a path (e.g. https://mcp.example.com/mcp) and no query";
    }
    if (problem != null) {
      m.error("resource", problem);
      return null;
    }
    return text;
  }

  private Map<String, McpRule> rules(YamlMap m, String key, Pattern names, String what, Tool tool, String relativeTo) {
    Map<String, McpRule> rules = new LinkedHashMap<>();
    YamlMap all = YamlMap.read(m.value(key), m.field(key), problems, null);
    if (all == null) {
      return rules;
    }
    for (Map.Entry<String, NodeTuple> entry : all.entries().entrySet()) {
      String name = entry.getKey();
      if (!names.matcher(name).matches()) {
        problems.add(entry.getValue().getKeyNode(), all.field(name), "expected " + what + ", got " + Yaml.quote(name));
        continue;
      }
      YamlMap r = YamlMap.read(entry.getValue().getValueNode(), all.field(name), problems, RULE_KEYS);
      if (r != null) {
        McpRule rule = rule(r, key.equals("tools") ? "tools/call " + name : name, tool, relativeTo);
        if (rule != null) {
          rules.put(name, rule);
        }
      }
    }
    return rules;
  }

  private McpRule rule(YamlMap r, String ruleKey, Tool tool, String relativeTo) {
    int errorsBefore = problems.size();
    Boolean deny = r.bool("deny");
    if (Boolean.TRUE.equals(deny) && r.entries().size() > 1) {
      r.error("deny", "a denied method or tool needs nothing else");
    }
    Policy policy = null;
    if (r.has("policy")) {
      checkNoAudience(r, "policy");
      policy = policies.read(r.value("policy"), r.field("policy"), tool.platformConfig());
    }
    Policy effective = policy != null ? policy : tool.policy();
    List<String> scopes = r.strings("scopes", "a scope", ValueChecks::scopeProblem);
    if (scopes != null && !scopes.isEmpty() && effective != null && effective.clientToken() == null && effective.externalJwt() == null) {
      r.error("scopes", "scopes are checked on a token: the policy must require client_token or external_jwt");
    }
    List<ToolRateLimit> ruleLimits = limits.toolLimits(r).stream().map(l -> l.countedAs(tool.name() + "/" + ruleKey)).toList();
    UserBinding user = r.written("user") ? userBindings.tool(r, tool.platform(), null, effective) : null;
    Ownership owner = r.written("owner") ? userBindings.ownership(r, null, user != null ? user : tool.user()) : null;
    if (effective != null && effective.anonymous() && (user != null || owner != null)) {
      r.error(user != null ? "user" : "owner", "an anonymous policy cannot bind users: it has no credentials to bind them to");
    }
    if (problems.size() != errorsBefore) {
      return null;
    }
    // Body pointers are written relative to params (a method) or params.arguments (a tool): said in the docs, kept as written here.
    return new McpRule(ruleKey, Boolean.TRUE.equals(deny), policy, scopes, ruleLimits, user, owner);
  }

  /** On an MCP route a client_token's audience is the route's resource: writing another one would be a trap. */
  private void checkNoAudience(YamlMap m, String policyKey) {
    Node policy = m.value(policyKey);
    Node clientToken = child(policy, "client_token");
    Node audience = child(clientToken, "audience");
    if (audience != null) {
      problems.add(audience, m.field(policyKey) + ".client_token.audience",
          "on an MCP route the token's audience is the route's resource (`mcp.resource`): remove `audience`");
    }
  }

  private static Node child(Node node, String key) {
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode s && s.getValue().equals(key)) {
          return tuple.getValueNode();
        }
      }
    }
    return null;
  }

  /** An origin as browsers send it: {@code scheme://host[:port]}, http or https, nothing else. */
  static String originProblem(String text) {
    try {
      URI uri = new URI(text);
      boolean web = "https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme());
      if (web && uri.getHost() != null && uri.getRawUserInfo() == null && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
          && uri.getRawQuery() == null && uri.getRawFragment() == null) {
        return null;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    return "expected an origin such as https://app.example.com (scheme, host and optional port; no path)";
  }
}
