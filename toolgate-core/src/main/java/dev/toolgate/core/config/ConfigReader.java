package dev.toolgate.core.config;

import dev.toolgate.core.limit.RateLimit;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Turns the composed node tree of one {@code toolgate.yaml} into a {@link GatewayConfig}, section by
 * section, recording every error with its line and field path. Used once per load.
 *
 * <p>Each section has its reader beside the records it builds: {@link ServerReader},
 * {@link StoreReader}, {@link AuditReader}, {@link AuthorizationServerReader},
 * {@link TrustedIssuersReader}, {@link PlatformsReader}, {@link RedisReader}, {@link ToolsReader}
 * (with {@link PolicyReader} for {@code tools[].policy} and {@link UserBindingReader} for
 * {@code user} and {@code owner}) and {@link LimitsReader}. They run in this order because later
 * sections refer to earlier ones: the authorization server's issuer is the default audience of
 * policies, tools name platforms and trusted issuers.
 */
final class ConfigReader {
  static final List<String> ROOT_KEYS =
      List.of("server", "store", "audit", "authorization_server", "trusted_issuers", "platforms", "tools", "failed_auth_limit",
          "redis", ManagementReader.KEY, AccessLogReader.KEY, "tracing");

  static final String NO_SECRETS = "secrets never go in this file";

  private final Problems problems;
  private final Path source;
  private final Path baseDir;

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
    LimitsReader limits = new LimitsReader(problems);
    RedisReader redisReader = new RedisReader(problems, source, baseDir);
    UserBindingReader userBindings = new UserBindingReader(problems);
    TlsReader tls = new TlsReader(problems, source, baseDir);

    ServerSettings server = ServerReader.read(root, problems, tls);
    StoreSettings store = new StoreReader(problems, source, baseDir).read(root);
    AuditSettings audit = AuditReader.read(root, problems, baseDir);
    AuthServerSettings authorizationServer = new AuthorizationServerReader(problems, limits, baseDir).read(root, server);
    TrustedIssuersReader.Issuers trustedIssuers = new TrustedIssuersReader(problems, authorizationServer).read(root);
    PlatformsReader.Platforms platforms = new PlatformsReader(problems, userBindings, tls).read(root);
    tls.checkClientCertificatesNeedTls(server, platforms.configs());
    Optional<RedisSettings> redis = redisReader.read(root);
    PolicyReader policies = new PolicyReader(problems, authorizationServer, trustedIssuers.names(), tls);
    List<ToolConfig> tools = new ToolsReader(problems, platforms, authorizationServer, policies, userBindings, limits, redisReader,
        root.written("redis"), tls).read(root);
    Optional<RateLimit> failedAuthLimit = limits.failedAuthLimit(root);
    Optional<ManagementSettings> management = new ManagementReader(problems).read(root, server);
    AccessLogSettings accessLog = new AccessLogReader(problems, baseDir).read(root);
    TracingSettings tracing = new TracingReader(problems).read(root);
    if (!problems.isEmpty()) {
      return null;
    }
    return new GatewayConfig(source, server, store, audit, platforms.configs(), tools, authorizationServer, trustedIssuers.issuers(),
        failedAuthLimit, redis, management, accessLog, tracing);
  }

  /** "; did you mean 'X'?" when the text matches a known name but for case, else "". */
  static String caseHint(String text, List<String> known) {
    return known.stream().filter(k -> k.equalsIgnoreCase(text)).findFirst()
        .map(k -> "; names are case-sensitive: did you mean '" + k + "'?").orElse("");
  }
}
