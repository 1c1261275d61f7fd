package dev.toolgate.core.config;

import dev.toolgate.core.limit.RateLimit;
import dev.toolgate.core.limit.ToolRateLimit;
import dev.toolgate.core.net.CidrBlock;
import dev.toolgate.core.net.CidrSet;
import dev.toolgate.core.net.TrustedProxies;
import dev.toolgate.core.route.PathAmbiguity;
import dev.toolgate.core.route.PathPattern;
import dev.toolgate.core.token.SigningAlgorithm;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
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
  static final List<String> ROOT_KEYS =
      List.of("server", "store", "audit", "authorization_server", "trusted_issuers", "platforms", "tools", "failed_auth_limit",
          "redis");
  static final List<String> SERVER_KEYS = List.of("host", "port", "max_body_bytes", "upstream_timeout", "shutdown_grace", "trusted_proxies",
      "client_ip_header", "trusted_proxy_hops", "decisions", "request_head_timeout", TlsReader.SERVER_KEY);
  static final List<String> STORE_KEYS = java.util.stream.Stream.concat(
      java.util.stream.Stream.of("kind", "path", "url", "user", "password_env", "master_key_file"), PreviousMasterKeyReader.KEYS.stream()).toList();
  static final List<String> AUDIT_KEYS = java.util.stream.Stream.concat(java.util.stream.Stream.of("batch_size", "flush_interval"),
      AuditSpillReader.KEYS.stream()).toList();
  static final List<String> AUTH_SERVER_KEYS = List.of("issuer", "signing_algorithm", "access_token_ttl", "max_token_ttl",
      "default_resource", "customer_token", "password_hash", "login_throttle");
  static final List<String> CUSTOMER_TOKEN_KEYS = List.of("ttl", "audience", "scopes", "subject", "opaque_id_platform");
  static final List<String> PASSWORD_HASH_KEYS = List.of("memory_kib", "iterations", "parallelism");
  static final List<String> TRUSTED_ISSUER_KEYS = List.of("issuer", "jwks_uri", "audiences", "algorithms", "clock_skew",
      "jwks_cache_ttl", "jwks_min_refresh_interval");
  static final List<String> PLATFORM_KEYS = List.of("signature_header", "signature_encoding", "api_key_header",
      "replay_tolerance", "sendbird_replay_window", "stripe_signature_header", "allowed_ips", "user", TlsReader.PLATFORM_KEY);
  static final List<String> TOOL_KEYS = List.of("name", "method", "path", "upstream", "platform", "preset", "policy", "user", "owner",
      "allowed_ips", "rate_limits", ForwardHeadersReader.KEY, "allow_in_path",
      RedisReader.TOOL_KEY, TlsReader.TOOL_KEY);
  static final List<String> USER_BINDING_KEYS = List.of("platform_user_id", "opaque_id", "user_id", "forward");
  static final List<String> LOCATION_KEYS = List.of("header", "body_field", "path_param", "query_param");
  static final List<String> OWNER_KEYS = List.of("header", "body_field", "path_param", "query_param", "is");
  static final List<String> POLICY_KEYS = List.of("require", "anonymous", "client_token", "user_token", "external_jwt", TlsReader.POLICY_KEY);
  static final List<String> CLIENT_TOKEN_KEYS = List.of("scopes", "audience");
  static final List<String> USER_TOKEN_KEYS = List.of("header", "scheme", "body_field", "query_param", "issuer", "scopes",
      "max_age", "single_use", "audience");
  static final List<String> EXTERNAL_JWT_KEYS = List.of("issuer", "header", "scheme", "scopes");

  static final String NO_SECRETS = "secrets never go in this file";
  private static final Map<String, String> STORE_REFUSED = withAll(Map.of(
      "password", "a literal password is refused: " + NO_SECRETS
          + "; put the password in an environment variable and name that variable with `password_env`",
      "master_key", "a literal master key is refused: " + NO_SECRETS
          + "; set the environment variable TOOLGATE_MASTER_KEY or name a key file with `master_key_file`"),
      PreviousMasterKeyReader.REFUSED);
  private static final String SIGNING_KEY_REFUSED = "a literal signing key is refused: " + NO_SECRETS
      + "; Toolgate generates its signing keys on first start and keeps them encrypted in the store";
  private static final Map<String, String> AUTH_SERVER_REFUSED = Map.of(
      "signing_key", SIGNING_KEY_REFUSED,
      "private_key", SIGNING_KEY_REFUSED);
  private static final String SHARED_SECRET_REFUSED = "a shared secret is refused: " + NO_SECRETS
      + "; a trusted issuer is verified with the public keys at its jwks_uri (HMAC-signed tokens are not accepted)";
  private static final Map<String, String> TRUSTED_ISSUER_REFUSED = Map.of(
      "secret", SHARED_SECRET_REFUSED,
      "client_secret", SHARED_SECRET_REFUSED);

  static final int MAX_BATCH_SIZE = 100_000;
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%\\[\\]-]+");
  private static final Pattern HEADER_TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern METHOD = Pattern.compile("[!#$%&'+.^_`|~0-9A-Za-z-]+");
  private static final Pattern PLATFORM_NAME = Pattern.compile("[a-z0-9_-]{1,64}");
  private static final Pattern TOOL_NAME = Pattern.compile("[a-z0-9_.-]{1,64}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern ISSUER_NAME = Pattern.compile("[a-z0-9_-]{1,64}");
  /** RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
  private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");
  private static final Pattern QUERY_PARAM = Pattern.compile("[A-Za-z0-9._~-]{1,128}");
  private static final String JDBC_PREFIX = "jdbc:postgresql://";
  private static final String KNOWN_KINDS =
      Arrays.stream(CredentialKind.values()).map(CredentialKind::yamlName).collect(Collectors.joining(", "));
  private static final String KNOWN_ENCODINGS =
      Arrays.stream(SignatureEncoding.values()).map(SignatureEncoding::yamlName).collect(Collectors.joining(", "));
  private static final List<String> SIGNING_ALGORITHMS =
      Arrays.stream(SigningAlgorithm.values()).map(a -> a.jws().getName()).toList();
  private static final List<String> SUBJECTS =
      Arrays.stream(CustomerTokenSettings.Subject.values()).map(CustomerTokenSettings.Subject::yamlName).toList();
  /** The policy section of each JWT kind, in the order of {@link #POLICY_KEYS}. */
  private static final Map<String, CredentialKind> POLICY_SECTIONS = sections();

  private final Problems problems;
  private final LimitsReader limits;
  private final RedisReader redisReader;
  private final TlsReader tlsReader;
  /** Whether the file has a {@code redis:} section: tools may then say what their limits do without it. */
  private boolean redisConfigured;
  private final Path source;
  private final Path baseDir;
  /** Read before the tools, whose policies refer to them. */
  private AuthServerSettings authorizationServer;
  private final Set<String> issuerNames = new LinkedHashSet<>();
  private Map<String, PlatformConfig> platformConfigs = Map.of();
  /** platforms.*.user: the binding of that platform's tools that set neither `user` nor a `preset`. */
  private final Map<String, UserBinding> platformBindings = new LinkedHashMap<>();

  /** A tool as read, kept even when incomplete so that the checks across tools still run. */
  private record Draft(int index, String name, Node nameNode, String method, PathPattern pattern, Node pathNode, int line, ToolConfig config) {}

  ConfigReader(Path source, Problems problems) {
    this.source = source;
    this.problems = problems;
    this.limits = new LimitsReader(problems);
    Path parent = source.toAbsolutePath().getParent();
    this.baseDir = parent != null ? parent : source.toAbsolutePath().getRoot();
    this.redisReader = new RedisReader(problems, source, baseDir);
    this.tlsReader = new TlsReader(problems, source, baseDir);
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
    authorizationServer = readAuthorizationServer(root, server);
    Map<String, TrustedIssuer> trustedIssuers = readTrustedIssuers(root);
    Set<String> platformNames = new LinkedHashSet<>();
    Map<String, PlatformConfig> platforms = readPlatforms(root, platformNames);
    platformConfigs = platforms;
    tlsReader.checkClientCertificatesNeedTls(server, platforms);
    Optional<RedisSettings> redis = redisReader.read(root);
    redisConfigured = root.written("redis");
    List<ToolConfig> tools = readTools(root, platformNames);
    Optional<RateLimit> failedAuthLimit = limits.failedAuthLimit(root);
    if (!problems.isEmpty()) {
      return null;
    }
    return new GatewayConfig(source, server, store, audit, platforms, tools, authorizationServer, trustedIssuers, failedAuthLimit, redis);
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
    TrustedProxies trustedProxies = ProxySettingsReader.trustedProxies(m, cidrs(m, "trusted_proxies", true));
    DecisionSource decisions = ProxySettingsReader.decisions(m, problems, trustedProxies);
    Duration requestHeadTimeout = m.duration("request_head_timeout");
    return new ServerSettings(
        host != null ? host : d.host(),
        port != null ? port.intValue() : d.port(),
        maxBody != null ? maxBody : d.maxBodyBytes(),
        upstreamTimeout != null ? upstreamTimeout : d.upstreamTimeout(),
        shutdownGrace != null ? shutdownGrace : d.shutdownGrace(),
        trustedProxies,
        decisions,
        requestHeadTimeout).withTls(tlsReader.server(m));
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
    if (masterKeyFile != null && PastedSecrets.isMasterKey(masterKeyFile)) {
      m.error("master_key_file", "must be the path of the key file, not the key itself: " + NO_SECRETS
          + "; set the environment variable TOOLGATE_MASTER_KEY to the key, or write it to a file and name that file here");
      masterKeyFile = null;
    }
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
    StoreSettings settings = new StoreSettings(
        kind,
        sqlite ? resolve(m, "path", path != null ? path : d.path()) : null,
        sqlite ? null : url,
        sqlite ? null : user,
        sqlite ? null : passwordEnv,
        resolve(m, "master_key_file", masterKeyFile != null ? masterKeyFile : d.masterKeyFile()),
        sqlite || passwordEnv == null ? null : new ConfigLocation(source, m.lineOf("password_env"), m.field("password_env")));
    return PreviousMasterKeyReader.read(m, settings, baseDir);
  }

  private static Map<String, String> withAll(Map<String, String> a, Map<String, String> b) {
    Map<String, String> all = new java.util.HashMap<>(a);
    all.putAll(b);
    return Map.copyOf(all);
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
    AuditSettings batching = new AuditSettings(
        batchSize != null ? batchSize.intValue() : d.batchSize(),
        flushInterval != null ? flushInterval : d.flushInterval());
    return AuditSpillReader.read(m, batching, baseDir);
  }

  // ---------------------------------------------------------------- authorization_server

  private AuthServerSettings readAuthorizationServer(YamlMap root, ServerSettings server) {
    AuthServerSettings d = AuthServerSettings.defaults(server);
    YamlMap m = YamlMap.read(root.value("authorization_server"), "authorization_server", problems, AUTH_SERVER_KEYS, AUTH_SERVER_REFUSED);
    if (m == null) {
      return d;
    }
    URI issuer = d.issuer();
    String issuerText = m.nonEmpty("issuer");
    if (issuerText != null) {
      try {
        issuer = HttpUrl.ISSUER.parse(issuerText);
      } catch (IllegalArgumentException e) {
        m.error("issuer", e.getMessage());
      }
    }

    SigningAlgorithm algorithm = d.signingAlgorithm();
    String algorithmText = m.string("signing_algorithm");
    if (algorithmText != null) {
      Optional<SigningAlgorithm> found =
          Arrays.stream(SigningAlgorithm.values()).filter(a -> a.jws().getName().equals(algorithmText)).findFirst();
      if (found.isPresent()) {
        algorithm = found.get();
      } else if (algorithmText.toUpperCase(Locale.ROOT).startsWith("HS")) {
        m.error("signing_algorithm", "HMAC algorithms (" + Yaml.quote(algorithmText) + ") are not offered: tokens Toolgate signs are"
            + " verified by others with its public keys (JWKS), which needs a public-key algorithm (known: "
            + String.join(", ", SIGNING_ALGORITHMS) + ")");
      } else {
        m.error("signing_algorithm", "unknown signing algorithm " + Yaml.quote(algorithmText) + " (known: "
            + String.join(", ", SIGNING_ALGORITHMS) + caseHint(algorithmText, SIGNING_ALGORITHMS) + ")");
      }
    }

    Duration accessTtl = tokenTtl(m, "access_token_ttl");
    Duration maxTtl = tokenTtl(m, "max_token_ttl");
    if (maxTtl != null && maxTtl.compareTo(AuthServerSettings.MAX_TOKEN_TTL_LIMIT) > 0) {
      m.error("max_token_ttl", "must be at most " + Units.format(AuthServerSettings.MAX_TOKEN_TTL_LIMIT) + " (365 days), got "
          + Units.format(maxTtl));
      maxTtl = null;
    }

    String defaultResource = AuthServerSettings.resourceOf(issuer);
    String resourceText = m.nonEmpty("default_resource");
    if (resourceText != null) {
      String problem = resourceProblem(resourceText);
      if (problem != null) {
        m.error("default_resource", problem);
      } else {
        defaultResource = resourceText;
      }
    }

    YamlMap customerMap = YamlMap.read(m.value("customer_token"), m.field("customer_token"), problems, CUSTOMER_TOKEN_KEYS);
    Duration customerTtl = customerMap == null ? null : tokenTtl(customerMap, "ttl");
    CustomerTokenSettings customer = readCustomerToken(customerMap, customerTtl);
    PasswordHashSettings passwordHash = readPasswordHash(m);
    LoginThrottleSettings loginThrottle = limits.loginThrottle(m);

    // Lifetimes: nothing Toolgate issues may outlive max_token_ttl. A value that was wrong is not compared.
    Duration max = maxTtl != null ? maxTtl : d.maxTokenTtl();
    boolean maxUsable = maxTtl != null || !m.has("max_token_ttl");
    if (maxUsable) {
      checkWithinMax(m, "access_token_ttl", accessTtl, d.accessTokenTtl(), m, max);
      if (customerMap != null) {
        checkWithinMax(customerMap, "ttl", customerTtl, CustomerTokenSettings.DEFAULT_TTL, m, max);
      }
    }

    return new AuthServerSettings(
        issuer,
        algorithm,
        accessTtl != null ? accessTtl : d.accessTokenTtl(),
        maxTtl != null ? maxTtl : d.maxTokenTtl(),
        defaultResource,
        customer,
        passwordHash,
        loginThrottle);
  }

  /** A token lifetime: a positive duration in whole seconds (JWT times and expires_in are seconds). */
  private static Duration tokenTtl(YamlMap m, String key) {
    Duration d = m.duration(key);
    if (d != null && d.getNano() != 0) {
      m.error(key, "must be a whole number of seconds (token lifetimes are counted in seconds), got " + Units.format(d));
      return null;
    }
    return d;
  }

  /**
   * Reports a lifetime longer than max_token_ttl: at the lifetime when it is written (and valid), at
   * max_token_ttl when the lifetime is its default.
   */
  private void checkWithinMax(YamlMap lm, String key, Duration written, Duration dflt, YamlMap m, Duration max) {
    if (lm.has(key) && written == null) {
      return; // wrong value, already reported
    }
    Duration ttl = written != null ? written : dflt;
    if (ttl.compareTo(max) <= 0) {
      return;
    }
    if (written != null) {
      lm.error(key, "must not exceed authorization_server.max_token_ttl (" + Units.format(max) + "), got " + Units.format(ttl)
          + ": no token Toolgate issues may outlive max_token_ttl");
    } else {
      m.error("max_token_ttl", "is shorter than " + lm.field(key) + " (" + Units.format(ttl) + ", the default): no token Toolgate"
          + " issues may outlive max_token_ttl; raise max_token_ttl or set a shorter " + key);
    }
  }

  /**
   * The customer_token section (null map: it was not a mapping, error recorded; its defaults apply).
   * Its {@code ttl} is read by the caller, which compares it with max_token_ttl.
   */
  private CustomerTokenSettings readCustomerToken(YamlMap m, Duration ttl) {
    CustomerTokenSettings d = CustomerTokenSettings.defaults();
    if (m == null) {
      return d;
    }
    List<String> audience = strings(m, "audience", "an audience", ConfigReader::audienceProblem);
    if (isEmptyList(m, "audience")) {
      m.error("audience", "must list at least one audience: a token for no audience is accepted nowhere (default: [toolgate])");
    }
    List<String> scopes = strings(m, "scopes", "a scope", ConfigReader::scopeProblem);
    CustomerTokenSettings.Subject subject = d.subject();
    String subjectText = m.string("subject");
    if (subjectText != null) {
      Optional<CustomerTokenSettings.Subject> found =
          Arrays.stream(CustomerTokenSettings.Subject.values()).filter(x -> x.yamlName().equals(subjectText)).findFirst();
      if (found.isPresent()) {
        subject = found.get();
      } else {
        m.error("subject", "unknown subject " + Yaml.quote(subjectText) + " (known: " + String.join(", ", SUBJECTS)
            + caseHint(subjectText, SUBJECTS) + ")");
      }
    }
    String opaquePlatform = m.nonEmpty("opaque_id_platform");
    if (opaquePlatform != null && !PLATFORM_NAME.matcher(opaquePlatform).matches()) {
      m.error("opaque_id_platform", "invalid platform name " + Yaml.quote(opaquePlatform) + " (1 to 64 characters from a-z, 0-9, '_' and '-')");
      opaquePlatform = null;
    }
    return new CustomerTokenSettings(
        ttl != null ? ttl : d.ttl(),
        audience != null && !audience.isEmpty() ? audience : d.audience(),
        scopes != null ? scopes : d.scopes(),
        subject,
        opaquePlatform != null ? opaquePlatform : d.opaqueIdPlatform());
  }

  private PasswordHashSettings readPasswordHash(YamlMap parent) {
    PasswordHashSettings d = PasswordHashSettings.defaults();
    YamlMap m = YamlMap.read(parent.value("password_hash"), parent.field("password_hash"), problems, PASSWORD_HASH_KEYS);
    if (m == null) {
      return d;
    }
    Long memory = m.whole("memory_kib", PasswordHashSettings.MIN_MEMORY_KIB, PasswordHashSettings.MAX_MEMORY_KIB);
    Long iterations = m.whole("iterations", 1, PasswordHashSettings.MAX_ITERATIONS);
    Long parallelism = m.whole("parallelism", 1, PasswordHashSettings.MAX_PARALLELISM);
    return new PasswordHashSettings(
        memory != null ? memory.intValue() : d.memoryKib(),
        iterations != null ? iterations.intValue() : d.iterations(),
        parallelism != null ? parallelism.intValue() : d.parallelism());
  }

  /**
   * A resource indicator (RFC 8707): an absolute URI without a fragment; an http(s) one needs a valid
   * host and port. Null when fine. The value is not echoed: it may be a URL carrying a password.
   */
  private static final String USER_INFO_REFUSED = "must not contain user info (user:password@): credentials never go in this file";

  static String resourceProblem(String text) {
    String help = " (an RFC 8707 resource indicator: an absolute URI such as https://api.example.com or urn:example:tools)";
    if (text.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
      return "must not contain spaces or control characters" + help;
    }
    int authorityStart = text.indexOf("://");
    if (authorityStart >= 0 && text.substring(authorityStart + 3).split("[/?#]", 2)[0].contains("@")) {
      return USER_INFO_REFUSED;
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      return "is not a valid URI: " + e.getReason().toLowerCase(Locale.ROOT) + " at character " + (e.getIndex() + 1) + help;
    }
    if (uri.getScheme() == null) {
      return "must be an absolute URI, with a scheme" + help;
    }
    if (uri.getRawFragment() != null) {
      return "must not have a fragment (#...)" + help;
    }
    if (uri.getRawUserInfo() != null) {
      return USER_INFO_REFUSED;
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("http") || scheme.equals("https")) {
      if (uri.getHost() == null) {
        return "has no valid host name or IP address" + help;
      }
      if (uri.getPort() == 0 || uri.getPort() > 65535) {
        return "port must be from 1 to 65535";
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- trusted_issuers

  private Map<String, TrustedIssuer> readTrustedIssuers(YamlMap root) {
    Map<String, TrustedIssuer> issuers = new LinkedHashMap<>();
    YamlMap m = YamlMap.read(root.value("trusted_issuers"), "trusted_issuers", problems, null);
    if (m == null) {
      return issuers;
    }
    for (Map.Entry<String, NodeTuple> e : m.entries().entrySet()) {
      String name = e.getKey();
      String field = m.field(name);
      Node keyNode = e.getValue().getKeyNode();
      if (!ISSUER_NAME.matcher(name).matches()) {
        issuerNames.add(name); // so policies naming it get no second, misleading error
        problems.add(keyNode, field,
            "invalid trusted issuer name " + Yaml.quote(name) + " (1 to 64 characters from a-z, 0-9, '_' and '-')");
        continue;
      }
      if (name.equals(TrustedIssuer.TOOLGATE)) {
        problems.add(keyNode, field, "the name '" + TrustedIssuer.TOOLGATE + "' is reserved: it means Toolgate itself"
            + " (`issuer: toolgate` in a user_token policy); give the external issuer another name");
        continue;
      }
      issuerNames.add(name);
      TrustedIssuer issuer = readTrustedIssuer(name, e.getValue(), field);
      if (issuer != null) {
        issuers.put(name, issuer);
      }
    }
    return issuers;
  }

  private TrustedIssuer readTrustedIssuer(String name, NodeTuple tuple, String field) {
    if (Yaml.isNull(tuple.getValueNode())) {
      problems.add(tuple.getKeyNode(), field, "expected the issuer's settings (a mapping with issuer, jwks_uri, audiences), got nothing");
      return null;
    }
    YamlMap m = YamlMap.read(tuple.getValueNode(), field, problems, TRUSTED_ISSUER_KEYS, TRUSTED_ISSUER_REFUSED);
    if (m == null) {
      return null;
    }
    int errorsBefore = problems.size();

    String issuer = null;
    if (m.require("issuer", "the exact `iss` claim of the issuer's tokens, e.g. `issuer: https://login.example.com/`")) {
      issuer = m.nonEmpty("issuer");
      if (issuer != null && issuer.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
        m.error("issuer", "must not contain spaces or control characters (it is compared with the tokens' `iss` claim exactly)");
      } else if (issuer != null && issuer.equals(authorizationServer.issuer().toString())) {
        m.error("issuer", "is Toolgate's own issuer (authorization_server.issuer): its tokens need no trusted issuer;"
            + " write `issuer: toolgate` in a user_token policy, or require client_token");
      }
    }

    URI jwksUri = null;
    if (m.require("jwks_uri", "where the issuer publishes its public keys, e.g. `jwks_uri: https://login.example.com/.well-known/jwks.json`")) {
      String text = m.nonEmpty("jwks_uri");
      if (text != null) {
        try {
          jwksUri = HttpUrl.JWKS.parse(text);
        } catch (IllegalArgumentException e) {
          m.error("jwks_uri", e.getMessage());
        }
      }
    }

    List<String> audiences = List.of();
    if (m.require("audiences", "the audiences the issuer's tokens must be meant for (at least one in their `aud`), e.g. `audiences: [toolgate]`")) {
      List<String> read = strings(m, "audiences", "an audience", ConfigReader::audienceProblem);
      if (isEmptyList(m, "audiences")) {
        m.error("audiences", "must list at least one audience: a token must be meant for Toolgate, not merely signed by the issuer");
      }
      audiences = read != null ? read : List.of();
    }

    Set<String> algorithms = new LinkedHashSet<>(TrustedIssuer.DEFAULT_ALGORITHMS);
    List<String> algorithmList = strings(m, "algorithms", "a JWS algorithm", ConfigReader::algorithmProblem);
    if (isEmptyList(m, "algorithms")) {
      m.error("algorithms", "must list at least one algorithm (without the key: RS256)");
    } else if (algorithmList != null) {
      algorithms = new LinkedHashSet<>(algorithmList);
    }

    Duration clockSkew = m.duration("clock_skew");
    if (clockSkew != null && clockSkew.compareTo(TrustedIssuer.MAX_CLOCK_SKEW) > 0) {
      m.error("clock_skew", "must be at most " + Units.format(TrustedIssuer.MAX_CLOCK_SKEW) + ", got " + Units.format(clockSkew)
          + ": a larger skew keeps expired tokens valid for longer");
    }
    Duration cacheTtl = m.duration("jwks_cache_ttl");
    if (cacheTtl != null && cacheTtl.compareTo(TrustedIssuer.MAX_JWKS_CACHE_TTL) > 0) {
      m.error("jwks_cache_ttl", "must be at most " + Units.format(TrustedIssuer.MAX_JWKS_CACHE_TTL) + ", got " + Units.format(cacheTtl)
          + ": a key the issuer has withdrawn stays trusted until the cached JWKS expires");
      cacheTtl = null;
    }
    Duration minRefresh = m.duration("jwks_min_refresh_interval");
    if (minRefresh != null && minRefresh.compareTo(Duration.ofSeconds(1)) < 0) {
      m.error("jwks_min_refresh_interval", "must be at least 1s, got " + Units.format(minRefresh)
          + ": it limits how often tokens with unknown key ids make Toolgate fetch the JWKS");
      minRefresh = null;
    }
    Duration effectiveTtl = cacheTtl != null ? cacheTtl : TrustedIssuer.DEFAULT_JWKS_CACHE_TTL;
    Duration effectiveRefresh = minRefresh != null ? minRefresh : TrustedIssuer.DEFAULT_JWKS_MIN_REFRESH_INTERVAL;
    boolean bothUsable = (cacheTtl != null || !m.has("jwks_cache_ttl")) && (minRefresh != null || !m.has("jwks_min_refresh_interval"));
    if (bothUsable && effectiveRefresh.compareTo(effectiveTtl) > 0) {
      if (minRefresh != null) {
        m.error("jwks_min_refresh_interval", "must not exceed jwks_cache_ttl (" + Units.format(effectiveTtl) + "), got "
            + Units.format(minRefresh));
      } else {
        m.error("jwks_cache_ttl", "is shorter than jwks_min_refresh_interval (" + Units.format(effectiveRefresh)
            + ", the default): set jwks_min_refresh_interval to at most " + Units.format(effectiveTtl));
      }
    }

    if (problems.size() != errorsBefore) {
      return null;
    }
    return new TrustedIssuer(name, issuer, jwksUri, audiences, algorithms,
        clockSkew != null ? clockSkew : TrustedIssuer.DEFAULT_CLOCK_SKEW,
        effectiveTtl,
        effectiveRefresh,
        Yaml.line(tuple.getKeyNode()));
  }

  /** Null when the algorithm may be accepted from a trusted issuer, else why not. */
  private static String algorithmProblem(String name) {
    if (TrustedIssuer.ALLOWED_ALGORITHMS.contains(name)) {
      return null;
    }
    if (name.equalsIgnoreCase("none")) {
      return "algorithm " + Yaml.quote(name) + " is refused: it means an unsigned token, which anyone can forge";
    }
    if (name.toUpperCase(Locale.ROOT).startsWith("HS")) {
      return "algorithm " + Yaml.quote(name) + " is refused: HMAC algorithms need a shared secret, and accepting them from an issuer"
          + " known by its public keys is the classic algorithm-confusion attack (the public key used as the HMAC secret);"
          + " use the issuer's public-key algorithm (" + String.join(", ", TrustedIssuer.ALLOWED_ALGORITHMS) + ")";
    }
    return "unknown algorithm " + Yaml.quote(name) + " (allowed: " + String.join(", ", TrustedIssuer.ALLOWED_ALGORITHMS)
        + caseHint(name, TrustedIssuer.ALLOWED_ALGORITHMS) + ")";
  }

  // ---------------------------------------------------------------- lists and names shared by the sections

  /**
   * A list of distinct strings, each checked by {@code check} (which returns an error message, or
   * null when the item is fine). Null when absent, null or not a list (error recorded); items with
   * errors are left out.
   */
  private List<String> strings(YamlMap m, String key, String itemWhat, Function<String, String> check) {
    SequenceNode seq = m.list(key);
    if (seq == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    Map<String, Integer> firstLine = new HashMap<>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      Node item = seq.getValue().get(i);
      String itemField = Yaml.index(m.field(key), i);
      if (Yaml.isNull(item)) {
        problems.add(item, itemField, "expected " + itemWhat + ", got nothing");
        continue;
      }
      String text = Yaml.text(item, itemField, problems);
      if (text == null) {
        continue;
      }
      String problem = check.apply(text);
      if (problem != null) {
        problems.add(item, itemField, problem);
        continue;
      }
      Integer first = firstLine.putIfAbsent(text, Yaml.line(item));
      if (first != null) {
        problems.add(item, itemField, Yaml.quote(text) + " is listed twice (first at line " + first + ")");
        continue;
      }
      out.add(text);
    }
    return out;
  }

  /** True when the key holds a list with no items ({@code []}). */
  private static boolean isEmptyList(YamlMap m, String key) {
    return m.value(key) instanceof SequenceNode seq && seq.getValue().isEmpty();
  }

  private static String scopeProblem(String scope) {
    return SCOPE_TOKEN.matcher(scope).matches() ? null
        : "invalid scope " + Yaml.quote(scope) + " (an RFC 6749 scope token: printable ASCII without spaces, '\"' or '\\')";
  }

  private static String audienceProblem(String audience) {
    if (audience.isBlank()) {
      return "an audience must not be empty";
    }
    return audience.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)
        ? "invalid audience " + Yaml.quote(audience) + " (no spaces or control characters)"
        : null;
  }

  /** "; did you mean 'X'?" when the text matches a known name but for case, else "". */
  static String caseHint(String text, List<String> known) {
    return known.stream().filter(k -> k.equalsIgnoreCase(text)).findFirst()
        .map(k -> "; names are case-sensitive: did you mean '" + k + "'?").orElse("");
  }

  // ---------------------------------------------------------------- addresses (rate limits: LimitsReader)

  /**
   * A list of CIDR blocks (IPv4 or IPv6; a bare address is one host). Null when absent (or wrong:
   * error recorded). An empty list is an error unless {@code emptyAllowed}: as an allowlist it would
   * refuse every caller.
   */
  private CidrSet cidrs(YamlMap m, String key, boolean emptyAllowed) {
    if (!emptyAllowed && isEmptyList(m, key)) {
      m.error(key, "an empty list would refuse every address; list the networks allowed (e.g. [10.0.0.0/8, \"2001:db8::/32\"])"
          + " or remove `" + key + "` to allow any");
      return null;
    }
    List<String> texts = strings(m, key, "a CIDR block such as 10.0.0.0/8 or 2001:db8::/32", text -> {
      try {
        CidrBlock.parse(text);
        return null;
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
    });
    if (texts == null) {
      return null;
    }
    List<CidrBlock> blocks = new ArrayList<>();
    Set<CidrBlock> seen = new HashSet<>();
    for (int i = 0; i < texts.size(); i++) {
      CidrBlock block = CidrBlock.parse(texts.get(i));
      if (!seen.add(block)) {
        m.error(key, Yaml.quote(texts.get(i)) + " is the same network as another item of the list");
        continue;
      }
      blocks.add(block);
    }
    return new CidrSet(blocks);
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
    String stripeHeader = header(m, "stripe_signature_header");
    CidrSet allowedIps = cidrs(m, "allowed_ips", false);
    if (m.written("user")) {
      UserBinding binding = readUserBinding(m, name, null, null, true);
      if (binding != null) {
        platformBindings.put(name, binding);
      }
    }
    Duration tolerance = replayDuration(m, "replay_tolerance",
        "a signed timestamp may be this far from now, and every accepted message is remembered this long");
    Duration sendbirdWindow = replayDuration(m, "sendbird_replay_window",
        "every accepted body is remembered this long");
    PlatformConfig p = new PlatformConfig(name,
        signatureHeader != null ? signatureHeader : d.signatureHeader(),
        encoding,
        apiKeyHeader != null ? apiKeyHeader : d.apiKeyHeader(),
        tolerance != null ? tolerance : d.replayTolerance(),
        sendbirdWindow,
        stripeHeader != null ? stripeHeader : d.stripeSignatureHeader(),
        allowedIps);
    if (p.signatureHeader().equals(p.apiKeyHeader())) {
      String key = m.written("api_key_header") ? "api_key_header" : "signature_header";
      m.error(key, "signature_header and api_key_header must be different headers (both are '" + p.apiKeyHeader() + "')");
    }
    for (String other : List.of("signature_header", "api_key_header")) {
      String otherHeader = other.equals("signature_header") ? p.signatureHeader() : p.apiKeyHeader();
      if (p.stripeSignatureHeader().equals(otherHeader)) {
        // Reported at whichever of the two is written (stripe_signature_header when both are).
        String key = m.written("stripe_signature_header") || !m.written(other) ? "stripe_signature_header" : other;
        m.error(key, "stripe_signature_header and " + other + " must be different headers (both are '" + otherHeader + "')");
      }
    }
    return p.withClientCertificates(tlsReader.clientCertificates(m));
  }

  /**
   * replay_tolerance or sendbird_replay_window: whole seconds (signed timestamps are seconds), from
   * 1s to 1h. Null when absent or wrong (error recorded).
   */
  private static Duration replayDuration(YamlMap m, String key, String why) {
    Duration d = m.duration(key);
    if (d == null) {
      return null;
    }
    if (d.getNano() != 0) {
      m.error(key, "must be a whole number of seconds (signed timestamps are counted in seconds), got " + Units.format(d));
      return null;
    }
    if (d.compareTo(PlatformConfig.MAX_REPLAY_WINDOW) > 0) {
      m.error(key, "must be at most " + Units.format(PlatformConfig.MAX_REPLAY_WINDOW) + ", got " + Units.format(d) + ": " + why);
      return null;
    }
    return d;
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

    ToolPreset preset = readPreset(m, platform);
    Policy policy = null;
    if (m.has("policy")) {
      // The platform says where signatures and API keys arrive; an unknown platform (already an error) gives null.
      PlatformConfig platformConfig = platform == null ? PlatformConfig.withDefaults("") : platformConfigs.get(platform);
      policy = readPolicy(m.value("policy"), m.field("policy"), platformConfig);
    } else if (preset != null) {
      policy = preset.policy(authorizationServer.defaultResource());
    } else if (!m.has("preset")) { // a wrong preset is reported as such
      problems.add(m.lineOf("policy"), m.field("policy"),
          "every tool needs a policy; declare `anonymous: true` for open access, or name a `preset` (" + KNOWN_PRESETS + ")");
    }

    boolean anonymous = policy != null && policy.anonymous();
    UserBinding user = m.written("user") ? readUserBinding(m, platform, pattern, policy, false)
        : preset != null ? preset.user()
        : platform != null && !anonymous ? platformBindings.get(platform) : null;
    Ownership owner = m.written("owner") ? readOwnership(m, pattern, user) : null;
    if (anonymous && (m.written("user") || m.written("owner"))) {
      // Binding would look users up for callers who proved nothing, and tell them which ids exist.
      m.error(m.written("user") ? "user" : "owner", "an anonymous tool cannot bind users: it has no credentials to bind them to");
    }
    if (user != null && policy != null && policy.requires(CredentialKind.USER_TOKEN) && !policy.userToken().issuedByToolgate()) {
      m.error(m.written("user") ? "user" : m.written("preset") ? "preset" : "policy", "binding a user token from trusted issuer '"
          + policy.userToken().issuer() + "' is not supported: its subjects are not Toolgate users; bind Toolgate's customer tokens (issuer toolgate)");
    }
    CidrSet allowedIps = cidrs(m, "allowed_ips", false);
    List<ToolRateLimit> rateLimits = limits.toolLimits(m);
    Set<String> forwardHeaders = ForwardHeadersReader.read(m, problems);
    Set<PathAmbiguity> allowInPath = readAllowInPath(m, pathText);
    boolean highRisk = policy != null && policy.userToken() != null && policy.userToken().highRisk();
    Optional<WhenUnavailable> limitsFallback = redisReader.toolFallback(m, redisConfigured, !rateLimits.isEmpty(), highRisk);
    PemFile upstreamCa = tlsReader.upstreamCa(m, upstream);

    int line = m.line();
    ToolConfig config = problems.size() == errorsBefore
        ? new ToolConfig(name, method, pathText, upstream, platform, policy, line, allowedIps, rateLimits, user, owner, forwardHeaders, allowInPath,
            limitsFallback).withUpstreamCa(upstreamCa)
        : null;
    return new Draft(index, name, m.value("name"), method, pattern, m.value("path"), line, config);
  }

  private static final String KNOWN_AMBIGUITIES = String.join(", ", PathAmbiguity.yamlNames());

  /** tools[i].allow_in_path: the ambiguous path forms that may reach this tool; empty when absent. */
  private Set<PathAmbiguity> readAllowInPath(YamlMap m, String pathText) {
    List<String> names = strings(m, "allow_in_path", "one of " + KNOWN_AMBIGUITIES,
        text -> PathAmbiguity.fromYaml(text).isPresent() ? null
            : "unknown path form " + Yaml.quote(text) + " (known: " + KNOWN_AMBIGUITIES + ")" + caseHint(text, PathAmbiguity.yamlNames()));
    Set<PathAmbiguity> allowed = EnumSet.noneOf(PathAmbiguity.class);
    for (String name : names == null ? List.<String>of() : names) {
      allowed.add(PathAmbiguity.fromYaml(name).orElseThrow());
    }
    if (pathText != null && !allowed.contains(PathAmbiguity.TRAILING_DOT) && Arrays.stream(pathText.split("/")).anyMatch(p -> p.endsWith("."))) {
      m.error("path", "a segment of " + Yaml.quote(pathText) + " ends in '.', which requests may only carry with `allow_in_path: [trailing_dot]`");
    }
    return allowed;
  }

  private static final String KNOWN_PRESETS = String.join(", ", Arrays.stream(ToolPreset.values()).map(ToolPreset::yamlName).toList());
  private static final String KNOWN_IDENTITY_KINDS = String.join(", ", Arrays.stream(IdentityKind.values()).map(IdentityKind::yamlName).toList());
  private static final String KNOWN_FORWARDS = String.join(", ", Arrays.stream(UserBinding.Forward.values()).map(UserBinding.Forward::yamlName).toList());

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

  /**
   * tools[i].user or platforms.*.user: where each kind of identity is read, and what is forwarded.
   * The user token's subject joins the identities by itself when the policy requires user_token.
   *
   * @param pattern the tool's path; null at platform level (or when it is wrong)
   * @param policy the tool's policy; null at platform level (or when it is wrong)
   * @param platformLevel a platform's default for its tools, where no path or policy is known yet
   */
  private UserBinding readUserBinding(YamlMap tool, String platform, PathPattern pattern, Policy policy, boolean platformLevel) {
    Node node = tool.value("user");
    String field = tool.field("user");
    YamlMap m = Yaml.isNull(node) ? null : YamlMap.read(node, field, problems, USER_BINDING_KEYS);
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
        IdentityLocation where = readLocation(m, kind.yamlName(), pattern, LOCATION_KEYS);
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
    boolean userToken = policy != null && policy.requires(CredentialKind.USER_TOKEN);
    boolean namesNone = m.entries().keySet().stream().allMatch("forward"::equals); // an unknown key is reported as such
    if (namesNone && (platformLevel || (policy != null && !userToken))) {
      problems.add(m.line(), field, "binds no identity: name where the call carries one (" + KNOWN_IDENTITY_KINDS
          + (platformLevel ? ")" : "), or require user_token so its subject identifies the user"));
    }
    return new UserBinding(identities, forward);
  }

  /** tools[i].owner: the one place that names the resource's owner, and what kind of identity it is. */
  private Ownership readOwnership(YamlMap tool, PathPattern pattern, UserBinding user) {
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
  private IdentityLocation readLocation(YamlMap parent, String key, PathPattern pattern, List<String> keys) {
    YamlMap m = YamlMap.read(parent.value(key), parent.field(key), problems, keys);
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
        String h = header(m, "header");
        return h == null ? null : IdentityLocation.header(h);
      }
      case "body_field" -> {
        String pointer = m.nonEmpty("body_field");
        if (pointer == null) {
          return null;
        }
        String problem = jsonPointerProblem(pointer);
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
        if (param != null && !QUERY_PARAM.matcher(param).matches()) {
          m.error("query_param", "invalid query parameter name " + Yaml.quote(param)
              + " (1 to 128 characters from letters, digits, '.', '_', '~' and '-')");
          return null;
        }
        return param == null ? null : IdentityLocation.query(param);
      }
    }
  }

  private Policy readPolicy(Node node, String field, PlatformConfig platform) {
    YamlMap m = YamlMap.read(node, field, problems, POLICY_KEYS);
    if (m == null) {
      return null;
    }
    int errorsBefore = problems.size();
    List<CredentialKind> kinds = new ArrayList<>();
    Map<CredentialKind, Node> requireItems = new LinkedHashMap<>();
    Map<CredentialKind, String> requireFields = new LinkedHashMap<>();
    SequenceNode require = m.list("require");
    int written = require == null ? 0 : require.getValue().size();
    boolean requireReadable = !m.has("require") || require != null;
    if (require != null) {
      for (int i = 0; i < require.getValue().size(); i++) {
        Node item = require.getValue().get(i);
        String itemField = Yaml.index(m.field("require"), i);
        if (Yaml.isNull(item)) {
          problems.add(item, itemField, "expected a credential kind (" + KNOWN_KINDS + "), got nothing");
          requireReadable = false;
          continue;
        }
        String text = Yaml.text(item, itemField, problems);
        if (text == null) {
          requireReadable = false;
          continue;
        }
        Optional<CredentialKind> kind = CredentialKind.fromYaml(text);
        if (kind.isEmpty()) {
          problems.add(item, itemField, "unknown credential kind " + Yaml.quote(text) + " (known: " + KNOWN_KINDS + ")");
          requireReadable = false;
        } else if (requireItems.containsKey(kind.get())) {
          problems.add(item, itemField, "credential kind '" + text + "' is listed twice (first at line "
              + Yaml.line(requireItems.get(kind.get())) + ")");
        } else {
          requireItems.put(kind.get(), item);
          requireFields.put(kind.get(), itemField);
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

    // A JWT kind's section only goes with the kind. When `require` itself has errors, a section may
    // well belong to the kind that was misspelt there: no second, misleading error then.
    if (requireReadable) {
      for (Map.Entry<String, CredentialKind> section : POLICY_SECTIONS.entrySet()) {
        String key = section.getKey();
        if (m.has(key) && !kinds.contains(section.getValue())) {
          problems.add(m.lineOf(key), m.field(key), "policy." + key + " is set but " + key + " is not required: add " + key
              + " to `require`, or remove the section");
        }
      }
    }
    Map<CredentialKind, Where> headerWritten = new LinkedHashMap<>();
    ClientTokenPolicy clientToken = kinds.contains(CredentialKind.CLIENT_TOKEN) ? readClientToken(m) : null;
    UserTokenPolicy userToken = kinds.contains(CredentialKind.USER_TOKEN) ? readUserToken(m, headerWritten) : null;
    ExternalJwtPolicy externalJwt = kinds.contains(CredentialKind.EXTERNAL_JWT)
        ? readExternalJwt(m, requireItems.get(CredentialKind.EXTERNAL_JWT), headerWritten)
        : null;
    MtlsPolicy mtls = kinds.contains(CredentialKind.MTLS)
        ? tlsReader.mtls(m, platform, requireItems.get(CredentialKind.MTLS), requireFields.get(CredentialKind.MTLS))
        : null;
    if (problems.size() == errorsBefore) {
      checkHeaders(kinds, requireItems, requireFields, headerWritten, platform, userToken, externalJwt);
    }
    return problems.size() == errorsBefore ? new Policy(kinds, anonymous, clientToken, userToken, externalJwt, mtls) : null;
  }

  private static Map<String, CredentialKind> sections() {
    Map<String, CredentialKind> sections = new LinkedHashMap<>();
    sections.put("client_token", CredentialKind.CLIENT_TOKEN);
    sections.put("user_token", CredentialKind.USER_TOKEN);
    sections.put("external_jwt", CredentialKind.EXTERNAL_JWT);
    sections.put(TlsReader.POLICY_KEY, CredentialKind.MTLS);
    return Collections.unmodifiableMap(sections);
  }

  /** policy.client_token; absent: no scopes, the default resource as audience. */
  private ClientTokenPolicy readClientToken(YamlMap policy) {
    YamlMap m = YamlMap.read(policy.value("client_token"), policy.field("client_token"), problems, CLIENT_TOKEN_KEYS);
    if (m == null) {
      return null;
    }
    List<String> scopes = strings(m, "scopes", "a scope", ConfigReader::scopeProblem);
    String audience = authorizationServer.defaultResource();
    String audienceText = m.nonEmpty("audience");
    if (audienceText != null) {
      String problem = resourceProblem(audienceText);
      if (problem != null) {
        m.error("audience", problem);
      } else {
        audience = audienceText;
      }
    }
    return new ClientTokenPolicy(scopes != null ? scopes : List.of(), audience);
  }

  /** policy.user_token; absent: {@code customer-auth: JWT <token>} issued by Toolgate. */
  private UserTokenPolicy readUserToken(YamlMap policy, Map<CredentialKind, Where> headerWritten) {
    if (!policy.has("user_token")) {
      return UserTokenPolicy.defaults();
    }
    YamlMap m = YamlMap.read(policy.value("user_token"), policy.field("user_token"), problems, USER_TOKEN_KEYS);
    if (m == null) {
      return null;
    }
    String header = header(m, "header");
    if (m.has("header")) {
      headerWritten.put(CredentialKind.USER_TOKEN, new Where(m.lineOf("header"), m.field("header")));
    }
    String scheme = scheme(m);
    if (m.has("scheme") && !m.has("header")) {
      m.error("scheme", "applies to `header` only: in body_field or query_param the value is the bare token");
    }
    String bodyPointer = m.nonEmpty("body_field");
    if (bodyPointer != null) {
      String problem = jsonPointerProblem(bodyPointer);
      if (problem != null) {
        m.error("body_field", problem);
      }
    }
    String queryParam = m.nonEmpty("query_param");
    if (queryParam != null && !QUERY_PARAM.matcher(queryParam).matches()) {
      m.error("query_param", "invalid query parameter name " + Yaml.quote(queryParam)
          + " (1 to 128 characters from letters, digits, '.', '_', '~' and '-')");
    }
    if (!m.has("header") && !m.has("body_field") && !m.has("query_param")) {
      problems.add(m.line(), m.path(), "say where the user token is: set at least one of header (e.g. `header: customer-auth`),"
          + " body_field (a JSON Pointer, e.g. `body_field: /context/jwt`) or query_param (e.g. `query_param: jwt`)");
    }
    String issuer = TrustedIssuer.TOOLGATE;
    String issuerText = m.nonEmpty("issuer");
    if (issuerText != null) {
      if (!issuerText.equals(TrustedIssuer.TOOLGATE) && !issuerNames.contains(issuerText)) {
        m.error("issuer", unknownIssuer(issuerText) + "; `toolgate` means Toolgate's own customer tokens");
      }
      issuer = issuerText;
    }
    List<String> scopes = strings(m, "scopes", "a scope", ConfigReader::scopeProblem);
    Duration maxAge = m.duration("max_age");
    if (maxAge != null && (maxAge.isZero() || maxAge.isNegative())) {
      m.error("max_age", "must be positive, e.g. `max_age: 5m`");
      maxAge = null;
    }
    boolean singleUse = Boolean.TRUE.equals(m.bool("single_use"));
    boolean audienceIsTool = false;
    String audience = m.nonEmpty("audience");
    if (audience != null) {
      if (audience.equals("tool")) {
        audienceIsTool = true;
      } else {
        m.error("audience", "the only value is `tool` (the token must be minted for this tool alone, with"
            + " `tool=<name>` at /auth/customer_authenticate); other audiences are set under authorization_server.customer_token");
      }
    }
    if ((maxAge != null || singleUse || audienceIsTool) && !TrustedIssuer.TOOLGATE.equals(issuer)) {
      String key = maxAge != null ? "max_age" : singleUse ? "single_use" : "audience";
      m.error(key, "applies to Toolgate's own customer tokens (issuer toolgate) only");
    }
    return new UserTokenPolicy(header, header == null ? null : scheme != null ? scheme : UserTokenPolicy.DEFAULT_SCHEME,
        bodyPointer, queryParam, issuer, scopes != null ? scopes : List.of(), maxAge, singleUse, audienceIsTool);
  }

  /** policy.external_jwt; it must name a trusted issuer, so it is required with the kind. */
  private ExternalJwtPolicy readExternalJwt(YamlMap policy, Node requireItem, Map<CredentialKind, Where> headerWritten) {
    if (!policy.has("external_jwt")) {
      problems.add(requireItem, policy.field("external_jwt"), "required: external_jwt needs a section naming the trusted issuer"
          + " of its tokens, e.g. `external_jwt: {issuer: okta}`" + declaredIssuers());
      return null;
    }
    YamlMap m = YamlMap.read(policy.value("external_jwt"), policy.field("external_jwt"), problems, EXTERNAL_JWT_KEYS);
    if (m == null) {
      return null;
    }
    String issuer = null;
    if (m.require("issuer", "the name of the trusted issuer of its tokens, declared under `trusted_issuers`" + declaredIssuers())) {
      issuer = m.nonEmpty("issuer");
      if (TrustedIssuer.TOOLGATE.equals(issuer)) {
        m.error("issuer", "'toolgate' is Toolgate itself, not an external issuer: for Toolgate's access tokens require client_token,"
            + " for its customer tokens user_token");
      } else if (issuer != null && !issuerNames.contains(issuer)) {
        m.error("issuer", unknownIssuer(issuer));
      }
    }
    String header = header(m, "header");
    // Without a header key, a conflict over the default header is reported at the section.
    headerWritten.put(CredentialKind.EXTERNAL_JWT, m.has("header")
        ? new Where(m.lineOf("header"), m.field("header"))
        : new Where(m.line(), m.path()));
    String scheme = scheme(m);
    List<String> scopes = strings(m, "scopes", "a scope", ConfigReader::scopeProblem);
    return new ExternalJwtPolicy(issuer,
        header != null ? header : ExternalJwtPolicy.DEFAULT_HEADER,
        scheme != null ? scheme : ExternalJwtPolicy.DEFAULT_SCHEME,
        scopes != null ? scopes : List.of());
  }

  /** The word before the token in its header (an RFC 9110 token), or "" for a bare token; null when absent or wrong. */
  private static String scheme(YamlMap m) {
    String scheme = m.string("scheme");
    if (scheme == null || scheme.isEmpty()) {
      return scheme;
    }
    if (!HEADER_TOKEN.matcher(scheme).matches()) {
      m.error("scheme", "invalid scheme " + Yaml.quote(scheme) + " (one word such as JWT or Bearer, matched in any case;"
          + " \"\" when the header holds the bare token)");
      return null;
    }
    return scheme;
  }

  /** Null when the text is an RFC 6901 JSON Pointer into the body, else what is wrong. */
  static String jsonPointerProblem(String pointer) {
    if (pointer.charAt(0) != '/') {
      return "invalid JSON Pointer " + Yaml.quote(pointer) + ": it starts with '/' (RFC 6901), e.g. /context/jwt";
    }
    for (int i = 0; i < pointer.length(); i++) {
      char c = pointer.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return "invalid JSON Pointer " + Yaml.quote(pointer) + ": control characters are not allowed";
      }
      if (c == '~' && (i + 1 == pointer.length() || (pointer.charAt(i + 1) != '0' && pointer.charAt(i + 1) != '1'))) {
        return "invalid JSON Pointer " + Yaml.quote(pointer) + ": '~' must be followed by 0 or 1 (RFC 6901: ~0 is '~', ~1 is '/')";
      }
    }
    return null;
  }

  private String unknownIssuer(String name) {
    return "unknown trusted issuer " + Yaml.quote(name) + (issuerNames.isEmpty()
        ? " (no trusted issuers are declared under `trusted_issuers:`)"
        : " (declared: " + String.join(", ", issuerNames) + ")");
  }

  private String declaredIssuers() {
    return issuerNames.isEmpty() ? " (none are declared yet)" : " (declared: " + String.join(", ", issuerNames) + ")";
  }

  /** Where something is written, for messages. */
  private record Where(int line, String field) {}

  /** The fixed headers of a Standard Webhooks signature (dev.toolgate.core.credential.StandardWebhooksVerifier). */
  private static final List<String> STANDARD_WEBHOOKS_HEADERS = List.of("webhook-id", "webhook-timestamp", "webhook-signature");

  /** One header a required credential is read from, and where the policy says so (for messages). */
  private record HeaderUse(CredentialKind kind, String header, String scheme, int line, String field, boolean configurable, int order) {
    String shown() {
      String name = header.equals("authorization") ? "Authorization" : header;
      return scheme == null || scheme.isEmpty() ? name : name + ": " + scheme;
    }
  }

  /**
   * Two credentials read from one header would compete for it: a request carries one value of a
   * header. A user token must also stay out of the headers where the platform sends its signature
   * and API keys.
   */
  private void checkHeaders(List<CredentialKind> kinds, Map<CredentialKind, Node> items, Map<CredentialKind, String> fields,
      Map<CredentialKind, Where> headerWritten, PlatformConfig platform, UserTokenPolicy userToken, ExternalJwtPolicy externalJwt) {
    List<HeaderUse> uses = new ArrayList<>();
    for (CredentialKind kind : kinds) {
      // Reported at the header key when written (or the section), else at the kind in `require`.
      Where where = headerWritten.getOrDefault(kind, new Where(Yaml.line(items.get(kind)), fields.get(kind)));
      int line = where.line();
      String field = where.field();
      int order = uses.size();
      switch (kind) {
        case SENDBIRD_SIGNATURE -> {
          if (platform != null) {
            uses.add(new HeaderUse(kind, platform.signatureHeader(), null, line, field, false, order));
          }
        }
        case API_KEY -> {
          if (platform != null) {
            uses.add(new HeaderUse(kind, platform.apiKeyHeader(), null, line, field, false, order));
          }
        }
        case STATIC_TOKEN, CLIENT_TOKEN -> uses.add(new HeaderUse(kind, "authorization", "Bearer", line, field, false, order));
        case USER_TOKEN -> {
          if (userToken.header() != null) {
            uses.add(new HeaderUse(kind, userToken.header(), userToken.scheme(), line, field, true, order));
          }
        }
        case EXTERNAL_JWT -> uses.add(new HeaderUse(kind, externalJwt.header(), externalJwt.scheme(), line, field, true, order));
        case STANDARD_WEBHOOKS -> {
          for (String header : STANDARD_WEBHOOKS_HEADERS) {
            uses.add(new HeaderUse(kind, header, null, line, field, false, uses.size()));
          }
        }
        case STRIPE_SIGNATURE -> {
          if (platform != null) {
            uses.add(new HeaderUse(kind, platform.stripeSignatureHeader(), null, line, field, false, order));
          }
        }
      }
    }
    List<HeaderUse> remaining = new ArrayList<>();
    for (HeaderUse use : uses) {
      String platformKey = null;
      if (use.configurable() && platform != null) {
        if (use.header().equals(platform.apiKeyHeader())) {
          platformKey = "api_key_header";
        } else if (use.header().equals(platform.signatureHeader())) {
          platformKey = "signature_header";
        } else if (use.header().equals(platform.stripeSignatureHeader())) {
          platformKey = "stripe_signature_header";
        }
      }
      if (platformKey == null) {
        remaining.add(use);
        continue;
      }
      String whose = platform.name().isEmpty() ? "the default " + platformKey + " (the tool names no platform)"
          : "the " + platformKey + " of platform '" + platform.name() + "'";
      problems.add(use.line(), use.field(), use.kind().yamlName() + " reads the header '" + use.header() + "', which is " + whose
          + ", where the platform sends its " + (platformKey.equals("api_key_header") ? "API keys" : "request signature")
          + ": set " + use.kind().yamlName() + ".header to another header");
    }
    for (int j = 0; j < remaining.size(); j++) {
      for (int i = 0; i < j; i++) {
        HeaderUse a = remaining.get(i);
        HeaderUse b = remaining.get(j);
        if (!a.header().equals(b.header())) {
          continue;
        }
        boolean bLater = b.line() > a.line() || b.line() == a.line() && b.order() > a.order();
        HeaderUse first = bLater ? a : b;
        HeaderUse later = bLater ? b : a;
        String name = a.header().equals("authorization") ? "Authorization" : a.header();
        String what = first.shown().equals(later.shown())
            ? first.kind().yamlName() + " and " + later.kind().yamlName() + " both read `" + first.shown() + " ...`"
            : first.kind().yamlName() + " (`" + first.shown() + " ...`) and " + later.kind().yamlName() + " (`" + later.shown()
                + " ...`) both read the " + name + " header";
        HeaderUse movable = later.configurable() ? later : first.configurable() ? first : null;
        String advice = movable != null
            ? "set " + movable.kind().yamlName() + ".header to another header"
            : "require only one of them";
        problems.add(later.line(), later.field(), what + ": they would compete for one header (a request carries one "
            + name + " value); " + advice);
      }
    }
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
