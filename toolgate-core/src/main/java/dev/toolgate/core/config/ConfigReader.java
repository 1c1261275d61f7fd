package dev.toolgate.core.config;

import dev.toolgate.core.route.PathPattern;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Turns the composed node tree of one {@code toolgate.yaml} into a {@link GatewayConfig}, section by
 * section, recording every error with its line and field path. Used once per load.
 */
final class ConfigReader {
  static final List<String> ROOT_KEYS = List.of("server", "store", "audit", "platforms", "tools");
  static final List<String> SERVER_KEYS = List.of("host", "port", "max_body_bytes", "upstream_timeout", "shutdown_grace");
  static final List<String> STORE_KEYS = List.of("kind", "path", "url", "user", "password_env", "master_key_file");
  static final List<String> AUDIT_KEYS = List.of("batch_size", "flush_interval");
  static final List<String> PLATFORM_KEYS = List.of("signature_header", "signature_encoding", "api_key_header");
  static final List<String> TOOL_KEYS = List.of("name", "method", "path", "upstream", "platform", "policy");
  static final List<String> POLICY_KEYS = List.of("require", "anonymous");

  static final String NO_SECRETS = "secrets never go in this file";
  private static final Map<String, String> STORE_REFUSED = Map.of(
      "password", "a literal password is refused: " + NO_SECRETS
          + "; put the password in an environment variable and name that variable with `password_env`",
      "master_key", "a literal master key is refused: " + NO_SECRETS
          + "; set the environment variable TOOLGATE_MASTER_KEY or name a key file with `master_key_file`");

  static final int MAX_BATCH_SIZE = 100_000;
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%\\[\\]-]+");
  private static final Pattern HEADER_TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern METHOD = Pattern.compile("[!#$%&'+.^_`|~0-9A-Za-z-]+");
  private static final Pattern PLATFORM_NAME = Pattern.compile("[a-z0-9_-]{1,64}");
  private static final Pattern TOOL_NAME = Pattern.compile("[a-z0-9_.-]{1,64}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final String JDBC_PREFIX = "jdbc:postgresql://";
  private static final String KNOWN_KINDS =
      Arrays.stream(CredentialKind.values()).map(CredentialKind::yamlName).collect(Collectors.joining(", "));
  private static final String KNOWN_ENCODINGS =
      Arrays.stream(SignatureEncoding.values()).map(SignatureEncoding::yamlName).collect(Collectors.joining(", "));

  private final Problems problems;
  private final Path source;
  private final Path baseDir;

  /** A tool as read, kept even when incomplete so that the checks across tools still run. */
  private record Draft(int index, String name, Node nameNode, String method, PathPattern pattern, Node pathNode, int line, ToolConfig config) {}

  ConfigReader(Path source, Problems problems) {
    this.source = source;
    this.problems = problems;
    Path parent = source.toAbsolutePath().getParent();
    this.baseDir = parent != null ? parent : source.toAbsolutePath().getRoot();
  }

  /** The configuration, or null when errors were recorded. */
  GatewayConfig read(Optional<Node> document) {
    if (document.isEmpty() || Yaml.isNull(document.get())) {
      problems.add(1, "(document)", "the file is empty: a configuration needs at least a `tools:` list"
          + " (`toolgate init` writes a commented starter file)");
      return null;
    }
    Node rootNode = document.get();
    if (!(rootNode instanceof MappingNode) && Yaml.checkTag(rootNode, "(document)", problems)) {
      problems.add(rootNode, "(document)", "expected a mapping with the sections " + String.join(", ", ROOT_KEYS)
          + ", got " + Yaml.describe(rootNode));
      return null;
    }
    YamlMap root = YamlMap.read(rootNode, "", problems, ROOT_KEYS);
    if (root == null) {
      return null;
    }
    ServerSettings server = readServer(root);
    StoreSettings store = readStore(root);
    AuditSettings audit = readAudit(root);
    Set<String> platformNames = new LinkedHashSet<>();
    Map<String, PlatformConfig> platforms = readPlatforms(root, platformNames);
    List<ToolConfig> tools = readTools(root, platformNames);
    if (!problems.isEmpty()) {
      return null;
    }
    return new GatewayConfig(source, server, store, audit, platforms, tools);
  }

  // ---------------------------------------------------------------- server

  private ServerSettings readServer(YamlMap root) {
    ServerSettings d = ServerSettings.defaults();
    YamlMap m = YamlMap.read(root.value("server"), "server", problems, SERVER_KEYS);
    if (m == null) {
      return d;
    }
    String host = m.nonEmpty("host");
    if (host != null && !HOST.matcher(host).matches()) {
      m.error("host", "invalid host " + Yaml.quote(host) + " (the address to listen on, e.g. 127.0.0.1, 0.0.0.0 or ::1)");
    }
    Long port = m.whole("port", 0, 65535);
    Long maxBody = m.size("max_body_bytes");
    Duration upstreamTimeout = m.duration("upstream_timeout");
    Duration shutdownGrace = m.duration("shutdown_grace");
    return new ServerSettings(
        host != null ? host : d.host(),
        port != null ? port.intValue() : d.port(),
        maxBody != null ? maxBody : d.maxBodyBytes(),
        upstreamTimeout != null ? upstreamTimeout : d.upstreamTimeout(),
        shutdownGrace != null ? shutdownGrace : d.shutdownGrace());
  }

  // ---------------------------------------------------------------- store

  private StoreSettings readStore(YamlMap root) {
    StoreSettings d = StoreSettings.defaults();
    YamlMap m = YamlMap.read(root.value("store"), "store", problems, STORE_KEYS, STORE_REFUSED);
    if (m == null) {
      return d;
    }
    StoreSettings.Kind kind = d.kind();
    boolean kindKnown = true;
    String kindText = m.string("kind");
    if (kindText != null) {
      switch (kindText) {
        case "sqlite" -> kind = StoreSettings.Kind.SQLITE;
        case "postgresql" -> kind = StoreSettings.Kind.POSTGRESQL;
        default -> {
          kindKnown = false;
          m.error("kind", "unknown store kind " + Yaml.quote(kindText) + " (known: sqlite, postgresql)");
        }
      }
    }
    String path = m.nonEmpty("path");
    String url = m.nonEmpty("url");
    if (url != null) {
      checkJdbcUrl(m, url);
    }
    String user = m.nonEmpty("user");
    String passwordEnv = m.nonEmpty("password_env");
    if (passwordEnv != null && !ENV_NAME.matcher(passwordEnv).matches()) {
      // Not echoed: someone may have written the password itself here.
      m.error("password_env", "must be the NAME of an environment variable (letters, digits and '_', not starting with a digit),"
          + " not the password itself: " + NO_SECRETS);
    }
    String masterKeyFile = m.nonEmpty("master_key_file");
    if (kindKnown) {
      String kindNote = kindText == null ? "store.kind is sqlite, the default" : "store.kind is " + kindText;
      if (kind == StoreSettings.Kind.SQLITE) {
        for (String key : List.of("url", "user", "password_env")) {
          if (m.written(key)) {
            problems.add(m.lineOf(key), m.field(key), "applies to kind postgresql only (" + kindNote + ")");
          }
        }
      } else {
        if (m.written("path")) {
          problems.add(m.lineOf("path"), m.field("path"), "applies to kind sqlite only (" + kindNote + "; use `url`)");
        }
        m.require("url", "kind postgresql needs the JDBC URL of the database, e.g. jdbc:postgresql://127.0.0.1:5432/toolgate");
      }
    }
    boolean sqlite = kind == StoreSettings.Kind.SQLITE;
    return new StoreSettings(
        kind,
        sqlite ? resolve(m, "path", path != null ? path : d.path()) : null,
        sqlite ? null : url,
        sqlite ? null : user,
        sqlite ? null : passwordEnv,
        resolve(m, "master_key_file", masterKeyFile != null ? masterKeyFile : d.masterKeyFile()));
  }

  /** The URL itself is never echoed: it may carry a password. */
  private void checkJdbcUrl(YamlMap m, String url) {
    if (!url.startsWith(JDBC_PREFIX)) {
      m.error("url", "must start with " + JDBC_PREFIX + " (e.g. jdbc:postgresql://127.0.0.1:5432/toolgate)");
      return;
    }
    if (url.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
      m.error("url", "must not contain spaces or control characters");
      return;
    }
    String rest = url.substring(JDBC_PREFIX.length());
    String authority = rest.split("[/?#]", 2)[0];
    if (authority.isEmpty()) {
      m.error("url", "must name a host after " + JDBC_PREFIX + " (e.g. jdbc:postgresql://127.0.0.1:5432/toolgate)");
    } else if (authority.contains("@")) {
      m.error("url", "must not contain user info (user:password@): " + NO_SECRETS + "; use `user` and `password_env`");
    } else if (Pattern.compile("[?&]password=", Pattern.CASE_INSENSITIVE).matcher(rest).find()) {
      m.error("url", "must not carry a password parameter: " + NO_SECRETS + "; use `password_env`");
    }
  }

  /** Relative paths are resolved against the directory of the config file; absolute ones are kept. */
  private String resolve(YamlMap m, String key, String path) {
    try {
      Path p = Path.of(path);
      return p.isAbsolute() ? path : baseDir.resolve(p).normalize().toString();
    } catch (InvalidPathException e) {
      m.error(key, "invalid file path: " + e.getReason());
      return path;
    }
  }

  // ---------------------------------------------------------------- audit

  private AuditSettings readAudit(YamlMap root) {
    AuditSettings d = AuditSettings.defaults();
    YamlMap m = YamlMap.read(root.value("audit"), "audit", problems, AUDIT_KEYS);
    if (m == null) {
      return d;
    }
    Long batchSize = m.whole("batch_size", 1, MAX_BATCH_SIZE);
    Duration flushInterval = m.duration("flush_interval");
    return new AuditSettings(
        batchSize != null ? batchSize.intValue() : d.batchSize(),
        flushInterval != null ? flushInterval : d.flushInterval());
  }

  // ---------------------------------------------------------------- platforms

  private Map<String, PlatformConfig> readPlatforms(YamlMap root, Set<String> names) {
    Map<String, PlatformConfig> platforms = new LinkedHashMap<>();
    YamlMap m = YamlMap.read(root.value("platforms"), "platforms", problems, null);
    if (m == null) {
      return platforms;
    }
    for (Map.Entry<String, NodeTuple> e : m.entries().entrySet()) {
      String name = e.getKey();
      String field = m.field(name);
      names.add(name); // even when invalid, so tools naming it get no second, misleading error
      if (!PLATFORM_NAME.matcher(name).matches()) {
        problems.add(e.getValue().getKeyNode(), field,
            "invalid platform name " + Yaml.quote(name) + " (1 to 64 characters from a-z, 0-9, '_' and '-')");
        continue;
      }
      PlatformConfig platform = readPlatform(name, e.getValue().getValueNode(), field);
      if (platform != null) {
        platforms.put(name, platform);
      }
    }
    return platforms;
  }

  private PlatformConfig readPlatform(String name, Node node, String field) {
    PlatformConfig d = PlatformConfig.withDefaults(name);
    YamlMap m = YamlMap.read(node, field, problems, PLATFORM_KEYS);
    if (m == null) {
      return null;
    }
    String signatureHeader = header(m, "signature_header");
    String apiKeyHeader = header(m, "api_key_header");
    SignatureEncoding encoding = d.signatureEncoding();
    String encodingText = m.string("signature_encoding");
    if (encodingText != null) {
      Optional<SignatureEncoding> found =
          Arrays.stream(SignatureEncoding.values()).filter(x -> x.yamlName().equals(encodingText)).findFirst();
      if (found.isPresent()) {
        encoding = found.get();
      } else {
        m.error("signature_encoding", "unknown signature encoding " + Yaml.quote(encodingText) + " (known: " + KNOWN_ENCODINGS + ")");
      }
    }
    PlatformConfig p = new PlatformConfig(name,
        signatureHeader != null ? signatureHeader : d.signatureHeader(),
        encoding,
        apiKeyHeader != null ? apiKeyHeader : d.apiKeyHeader());
    if (p.signatureHeader().equals(p.apiKeyHeader())) {
      String key = m.written("api_key_header") ? "api_key_header" : "signature_header";
      m.error(key, "signature_header and api_key_header must be different headers (both are '" + p.apiKeyHeader() + "')");
    }
    return p;
  }

  /** An HTTP header name (RFC 9110 token), lower-cased. */
  private static String header(YamlMap m, String key) {
    String h = m.nonEmpty(key);
    if (h == null) {
      return null;
    }
    if (!HEADER_TOKEN.matcher(h).matches()) {
      m.error(key, "invalid HTTP header name " + Yaml.quote(h) + " (letters, digits and !#$%&'*+.^_`|~-, no spaces or ':')");
      return null;
    }
    return h.toLowerCase(Locale.ROOT);
  }

  // ---------------------------------------------------------------- tools

  private List<ToolConfig> readTools(YamlMap root, Set<String> platformNames) {
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
      Draft draft = readTool(i, seq.getValue().get(i), platformNames);
      if (draft != null) {
        drafts.add(draft);
      }
    }
    checkUniqueNames(drafts);
    checkOverlaps(drafts);
    List<ToolConfig> tools = new ArrayList<>();
    for (Draft d : drafts) {
      if (d.config() != null) {
        tools.add(d.config());
      }
    }
    return tools;
  }

  private Draft readTool(int index, Node node, Set<String> platformNames) {
    String field = Yaml.index("tools", index);
    if (Yaml.isNull(node)) {
      problems.add(node, field, "expected a tool (a mapping with name, method, path, upstream, policy), got nothing");
      return null;
    }
    YamlMap m = YamlMap.read(node, field, problems, TOOL_KEYS);
    if (m == null) {
      return null;
    }
    int errorsBefore = problems.size();

    String name = null;
    if (m.require("name", "a unique tool id, e.g. `name: order_status`")) {
      name = m.nonEmpty("name");
      if (name != null && !TOOL_NAME.matcher(name).matches()) {
        m.error("name", "invalid tool name " + Yaml.quote(name) + " (1 to 64 characters from a-z, 0-9, '_', '.' and '-')");
        name = null;
      }
    }

    String method = null;
    if (m.require("method", "an HTTP method such as GET or POST, or \"*\" for any")) {
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
    if (platform != null && !platformNames.contains(platform)) {
      m.error("platform", "unknown platform " + Yaml.quote(platform) + (platformNames.isEmpty()
          ? " (no platforms are declared under `platforms:`)"
          : " (declared: " + String.join(", ", platformNames) + ")"));
    }

    Policy policy = null;
    if (!m.has("policy")) {
      problems.add(m.lineOf("policy"), m.field("policy"),
          "every tool needs a policy; declare `anonymous: true` for open access");
    } else {
      policy = readPolicy(m.value("policy"), m.field("policy"));
    }

    int line = m.line();
    ToolConfig config = problems.size() == errorsBefore
        ? new ToolConfig(name, method, pathText, upstream, platform, policy, line)
        : null;
    return new Draft(index, name, m.value("name"), method, pattern, m.value("path"), line, config);
  }

  private Policy readPolicy(Node node, String field) {
    YamlMap m = YamlMap.read(node, field, problems, POLICY_KEYS);
    if (m == null) {
      return null;
    }
    int errorsBefore = problems.size();
    List<CredentialKind> kinds = new ArrayList<>();
    SequenceNode require = m.list("require");
    int written = require == null ? 0 : require.getValue().size();
    if (require != null) {
      Map<CredentialKind, Integer> firstLine = new LinkedHashMap<>();
      for (int i = 0; i < require.getValue().size(); i++) {
        Node item = require.getValue().get(i);
        String itemField = Yaml.index(m.field("require"), i);
        if (Yaml.isNull(item)) {
          problems.add(item, itemField, "expected a credential kind (" + KNOWN_KINDS + "), got nothing");
          continue;
        }
        String text = Yaml.text(item, itemField, problems);
        if (text == null) {
          continue;
        }
        Optional<CredentialKind> kind = CredentialKind.fromYaml(text);
        if (kind.isEmpty()) {
          problems.add(item, itemField, "unknown credential kind " + Yaml.quote(text) + " (known: " + KNOWN_KINDS + ")");
        } else if (firstLine.containsKey(kind.get())) {
          problems.add(item, itemField, "credential kind '" + text + "' is listed twice (first at line " + firstLine.get(kind.get()) + ")");
        } else {
          firstLine.put(kind.get(), Yaml.line(item));
          kinds.add(kind.get());
        }
      }
    }
    Boolean anonymousValue = m.bool("anonymous");
    boolean anonymous = Boolean.TRUE.equals(anonymousValue);
    if (anonymous && written > 0) {
      m.error("anonymous", "`anonymous: true` cannot be combined with `require` entries: an anonymous tool requires nothing;"
          + " remove one of them");
    } else if (!anonymous && written == 0 && problems.size() == errorsBefore) {
      int line = m.written("require") ? m.lineOf("require") : m.line();
      problems.add(line, field, "the policy requires nothing: list credential kinds under `require` (" + KNOWN_KINDS
          + "), or declare `anonymous: true` for open access");
    }
    return problems.size() == errorsBefore ? new Policy(kinds, anonymous) : null;
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

  /** Toolgate's own endpoints; tools may not be declared under them (they would never be reached). */
  static final List<String> RESERVED_PREFIXES = List.of("/healthz", "/readyz", "/metrics", "/oauth", "/.well-known", "/admin", "/auth", "/decisions");

  private static String reservedPrefix(String path) {
    for (String prefix : RESERVED_PREFIXES) {
      if (path.equals(prefix) || path.startsWith(prefix + "/")) {
        return prefix;
      }
    }
    return null;
  }
}
