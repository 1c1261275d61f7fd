package dev.toolgate.core.config;

import dev.toolgate.core.route.PathPattern;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * {@code user} ({@link UserBinding}: where a call carries each kind of identity, and what is
 * forwarded), on a tool or as a platform's default, and a tool's {@code owner} ({@link Ownership}).
 */
final class UserBindingReader {
  static final List<String> KEYS = List.of("platform_user_id", "opaque_id", "user_id", "forward");
  static final List<String> LOCATION_KEYS = List.of("header", "body_field", "path_param", "query_param");
  static final List<String> OWNER_KEYS = List.of("header", "body_field", "path_param", "query_param", "is");
  static final String KNOWN_IDENTITY_KINDS = String.join(", ", Arrays.stream(IdentityKind.values()).map(IdentityKind::yamlName).toList());
  private static final String KNOWN_FORWARDS = String.join(", ", Arrays.stream(UserBinding.Forward.values()).map(UserBinding.Forward::yamlName).toList());

  private final Problems problems;

  UserBindingReader(Problems problems) {
    this.problems = problems;
  }

  /** platforms.*.user: the default binding of the platform's tools, where no path or policy is known yet. */
  UserBinding platformDefault(YamlMap platform, String name) {
    return read(platform, name, null, null, true);
  }

  /**
   * tools[i].user. The user token's subject joins the identities by itself when the policy requires user_token.
   *
   * @param pattern the tool's path; null when it is wrong
   * @param policy the tool's policy; null when it is wrong
   */
  UserBinding tool(YamlMap tool, String platform, PathPattern pattern, Policy policy) {
    return read(tool, platform, pattern, policy, false);
  }

  private UserBinding read(YamlMap tool, String platform, PathPattern pattern, Policy policy, boolean platformLevel) {
    Node node = tool.value("user");
    String field = tool.field("user");
    YamlMap m = Yaml.isNull(node) ? null : YamlMap.read(node, field, problems, KEYS);
    if (m == null) {
      if (Yaml.isNull(node)) {
        problems.add(tool.lineOf("user"), field, "expected a mapping (e.g. `user: {platform_user_id: {body_field: /user_id}}`;"
            + " `user: {}` binds the user token's subject alone)");
      }
      return null;
    }
    Map<IdentityKind, IdentityLocation> identities = new LinkedHashMap<>();
    for (IdentityKind kind : IdentityKind.values()) {
      if (m.written(kind.yamlName())) {
        IdentityLocation where = readLocation(m, kind.yamlName(), pattern);
        if (where != null) {
          identities.put(kind, where);
        }
      }
    }
    if (platformLevel && identities.values().stream().anyMatch(l -> l.place() == IdentityLocation.Place.PATH)) {
      problems.add(m.line(), field, "path_param names a parameter of one tool's path: set `user` on the tool instead");
    }
    if (identities.containsKey(IdentityKind.PLATFORM_USER_ID) && platform == null) {
      m.error("platform_user_id", "a platform's user id is resolved per platform: name the tool's `platform`");
    }
    UserBinding.Forward forward = UserBinding.Forward.OPAQUE_ID;
    String forwardText = m.nonEmpty("forward");
    if (forwardText != null) {
      Optional<UserBinding.Forward> found = Arrays.stream(UserBinding.Forward.values()).filter(f -> f.yamlName().equals(forwardText)).findFirst();
      if (found.isEmpty()) {
        m.error("forward", "unknown value " + Yaml.quote(forwardText) + " (known: " + KNOWN_FORWARDS + ")");
      } else if (found.get() == UserBinding.Forward.PLATFORM_USER_ID && !m.written("platform_user_id")) {
        m.error("forward", "forwards the platform's user id, so say where the call carries it (`platform_user_id`)");
      } else {
        forward = found.get();
      }
    }
    // A user token's subject names the user; so does a client_token a user handed a client (the authorization code flow).
    boolean userToken = policy != null && (policy.requires(CredentialKind.USER_TOKEN) || policy.requires(CredentialKind.CLIENT_TOKEN));
    boolean namesNone = m.entries().keySet().stream().allMatch("forward"::equals); // an unknown key is reported as such
    if (namesNone && (platformLevel || (policy != null && !userToken))) {
      problems.add(m.line(), field, "binds no identity: name where the call carries one (" + KNOWN_IDENTITY_KINDS
          + (platformLevel ? ")" : "), or require user_token so its subject identifies the user"));
    }
    return new UserBinding(identities, forward);
  }

  /** tools[i].owner: the one place that names the resource's owner, and what kind of identity it is. */
  Ownership ownership(YamlMap tool, PathPattern pattern, UserBinding user) {
    YamlMap m = YamlMap.read(tool.value("owner"), tool.field("owner"), problems, OWNER_KEYS);
    if (m == null) {
      return null;
    }
    IdentityLocation where = readLocationIn(m, pattern);
    IdentityKind kind = null;
    if (m.require("is", "the kind of identity the field holds (" + KNOWN_IDENTITY_KINDS + "), e.g. `is: platform_user_id`")) {
      String text = m.nonEmpty("is");
      if (text != null) {
        kind = IdentityKind.fromYaml(text).orElse(null);
        if (kind == null) {
          m.error("is", "unknown identity kind " + Yaml.quote(text) + " (known: " + KNOWN_IDENTITY_KINDS + ")");
        }
      }
    }
    if (user == null && !tool.written("user")) {
      problems.add(m.line(), m.path(), "ownership is checked against the bound user: declare `user` too (or use a preset that does)");
    }
    return where == null || kind == null ? null : new Ownership(where, kind);
  }

  /** The location mapping under {@code key} of {@code parent}. */
  private IdentityLocation readLocation(YamlMap parent, String key, PathPattern pattern) {
    YamlMap m = YamlMap.read(parent.value(key), parent.field(key), problems, LOCATION_KEYS);
    if (m == null) {
      if (Yaml.isNull(parent.value(key))) {
        problems.add(parent.lineOf(key), parent.field(key), "say where it is: one of header, body_field (a JSON Pointer),"
            + " path_param or query_param, e.g. `{body_field: /user_id}`");
      }
      return null;
    }
    return readLocationIn(m, pattern);
  }

  /** Exactly one of header, body_field, path_param, query_param in {@code m}. */
  private IdentityLocation readLocationIn(YamlMap m, PathPattern pattern) {
    List<String> written = LOCATION_KEYS.stream().filter(m::written).toList();
    if (written.size() != 1) {
      problems.add(m.line(), m.path(), (written.isEmpty() ? "say where it is" : "name one place only, not " + String.join(" and ", written))
          + ": one of header, body_field (a JSON Pointer), path_param or query_param");
      return null;
    }
    String key = written.get(0);
    switch (key) {
      case "header" -> {
        String h = ValueChecks.header(m, "header");
        return h == null ? null : IdentityLocation.header(h);
      }
      case "body_field" -> {
        String pointer = m.nonEmpty("body_field");
        if (pointer == null) {
          return null;
        }
        String problem = ValueChecks.jsonPointerProblem(pointer);
        if (problem != null) {
          m.error("body_field", problem);
          return null;
        }
        return IdentityLocation.body(pointer);
      }
      case "path_param" -> {
        String param = m.nonEmpty("path_param");
        if (param == null) {
          return null;
        }
        if (pattern != null && !pattern.parameterNames().contains(param)) {
          m.error("path_param", "{" + param + "} is not a parameter of path " + pattern
              + (pattern.parameterNames().isEmpty() ? " (it has none)" : " (parameters: " + String.join(", ", pattern.parameterNames()) + ")"));
          return null;
        }
        return IdentityLocation.path(param);
      }
      default -> {
        String param = m.nonEmpty("query_param");
        String problem = param == null ? null : ValueChecks.queryParamProblem(param);
        if (problem != null) {
          m.error("query_param", problem);
          return null;
        }
        return param == null ? null : IdentityLocation.query(param);
      }
    }
  }
}
