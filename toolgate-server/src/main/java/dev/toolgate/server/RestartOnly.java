package dev.toolgate.server;

import dev.toolgate.core.config.ConfigLines;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.config.PemFile;
import dev.toolgate.core.config.ToolConfig;
import dev.toolgate.core.config.RedisSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The settings of {@code toolgate.yaml} that a running server cannot change, because what they
 * configure is opened once at start: where it listens, the store and the master key, the audit
 * writer, the Redis connection, the management port, the access log and tracing, and the authorization server (its issuer, keys and token settings,
 * which tokens already issued depend on). A reload whose file changes one of them is refused whole,
 * naming each, and the running configuration stays: what serves is always exactly one file.
 */
final class RestartOnly {
  /** A setting by its name in the file, and how to read it from a configuration. */
  private record Setting(String field, Function<GatewayConfig, Object> value) {}

  private static final List<Setting> SETTINGS = List.of(
      new Setting("server.host", c -> c.server().host()),
      new Setting("server.port", c -> c.server().port()),
      // The certificate and key files are reloaded by themselves when they change (docs/tls.md); the
      // CA bundles below are read once at start, into the listener and the upstream clients.
      new Setting("server.tls", c -> Optional.ofNullable(c.server().tls())
          .map(t -> List.of(t.certificate().path(), t.key().path(), t.reloadInterval()))),
      new Setting("platforms.client_certificates", c -> c.platforms().entrySet().stream()
          .filter(e -> e.getValue().clientCertificates() != null)
          .map(e -> e.getKey() + "=" + e.getValue().clientCertificates().ca().path()).sorted().toList()),
      new Setting("tools.upstream_ca", c -> c.tools().stream().map(ToolConfig::upstreamCa).filter(Objects::nonNull)
          .map(PemFile::path).distinct().sorted().toList()),
      new Setting("store.kind", c -> c.store().kind()),
      new Setting("store.path", c -> c.store().path()),
      new Setting("store.url", c -> c.store().url()),
      new Setting("store.user", c -> c.store().user()),
      new Setting("store.password_env", c -> c.store().passwordEnv()),
      new Setting("store.master_key_file", c -> c.store().masterKeyFile()),
      new Setting("store.previous_master_key_file", c -> c.store().previousMasterKeyFile()),
      new Setting("audit", GatewayConfig::audit),
      new Setting("redis", c -> c.redis().map(RestartOnly::connection)),
      new Setting("management", GatewayConfig::management),
      new Setting("access_log", GatewayConfig::accessLog),
      new Setting("tracing", GatewayConfig::tracing),
      new Setting("authorization_server.issuer", c -> c.authorizationServer().issuer()),
      new Setting("authorization_server.signing_algorithm", c -> c.authorizationServer().signingAlgorithm()),
      new Setting("authorization_server.access_token_ttl", c -> c.authorizationServer().accessTokenTtl()),
      new Setting("authorization_server.max_token_ttl", c -> c.authorizationServer().maxTokenTtl()),
      new Setting("authorization_server.default_resource", c -> c.authorizationServer().defaultResource()),
      new Setting("authorization_server.customer_token", c -> c.authorizationServer().customerToken()),
      new Setting("authorization_server.password_hash", c -> c.authorizationServer().passwordHash()),
      new Setting("authorization_server.login_throttle", c -> c.authorizationServer().loginThrottle()),
      // Its initial access token is read from the environment once, at start.
      new Setting("authorization_server.registration", c -> c.authorizationServer().codeFlow().registration()),
      new Setting("authorization_server.client_metadata_documents", c -> c.authorizationServer().codeFlow().clientMetadata()));

  private RestartOnly() {}

  /**
   * One {@code file:line: field: problem} line per setting {@code next} changes, empty when none
   * does.
   *
   * @param text the text of the file {@code next} was read from, for the lines
   */
  static List<String> changes(GatewayConfig running, GatewayConfig next, Path file, String text) {
    List<String> out = new ArrayList<>();
    for (Setting s : SETTINGS) {
      if (!Objects.equals(s.value().apply(running), s.value().apply(next))) {
        // Values are not shown: a store URL or a Redis user is nobody's business in a log.
        int line = ConfigLines.line(text, s.field().split("\\."));
        out.add(file + ":" + line + ": " + s.field() + ": changed" + (line == 0 ? " (not written in the file: its default follows other settings)" : "")
            + ", and takes effect only when the server restarts; nothing was reloaded");
      }
    }
    return out;
  }

  /** Where Redis is and how it is asked, without where in the file that is written. */
  private static List<Object> connection(RedisSettings r) {
    return List.of(r.topology(), r.nodes(), Optional.ofNullable(r.sentinelMaster()), r.database(), r.tls(),
        Optional.ofNullable(r.username()), r.password().map(p -> p.source() + ":" + p.name()), r.timeout(), r.connectTimeout(),
        r.whenUnavailable());
  }
}
