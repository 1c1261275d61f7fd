package dev.toolgate.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The code-flow keys of {@code authorization_server:} ({@link CodeFlowSettings}): {@code resources},
 * {@code authorization_code}, {@code client_metadata_documents} and {@code registration}.
 */
final class CodeFlowReader {
  static final List<String> AUTHORIZATION_CODE_KEYS = List.of("code_ttl", "refresh_token_ttl", "refresh_reuse_grace");
  static final List<String> CLIENT_METADATA_KEYS = List.of("enabled", "allow_domains", "deny_domains", "allow_private_addresses",
      "trust_ca_file", "max_bytes", "timeout", "cache_min", "cache_max");
  static final List<String> REGISTRATION_KEYS = List.of("mode", "initial_access_token_env", "max_per_hour");
  private static final List<String> MODES = Arrays.stream(RegistrationSettings.Mode.values()).map(RegistrationSettings.Mode::yamlName).toList();

  private final Problems problems;
  private final Path baseDir;

  /** @param baseDir what relative file names are relative to: the configuration file's folder */
  CodeFlowReader(Problems problems, Path baseDir) {
    this.problems = problems;
    this.baseDir = baseDir;
  }

  /** From the {@code authorization_server:} mapping {@code m} (null: defaults); refresh tokens may not outlive {@code maxTtl}. */
  CodeFlowSettings read(YamlMap m, Duration maxTtl) {
    CodeFlowSettings d = CodeFlowSettings.defaults();
    if (m == null) {
      return d;
    }
    List<String> resources = m.strings("resources", "a resource indicator", ValueChecks::resourceProblem);
    YamlMap code = YamlMap.read(m.value("authorization_code"), m.field("authorization_code"), problems, AUTHORIZATION_CODE_KEYS);
    Duration codeTtl = d.codeTtl();
    Duration refreshTtl = maxTtl.compareTo(d.refreshTokenTtl()) < 0 ? maxTtl : d.refreshTokenTtl();
    Duration grace = d.refreshReuseGrace();
    if (code != null) {
      codeTtl = bounded(code, "code_ttl", codeTtl, CodeFlowSettings.MAX_CODE_TTL, "10m");
      grace = bounded(code, "refresh_reuse_grace", grace, CodeFlowSettings.MAX_REFRESH_REUSE_GRACE, "60s");
      Duration written = code.duration("refresh_token_ttl");
      if (written != null && written.compareTo(maxTtl) > 0) {
        code.error("refresh_token_ttl", "must not exceed authorization_server.max_token_ttl (" + Units.format(maxTtl) + "), got "
            + Units.format(written) + ": no token Toolgate issues may outlive max_token_ttl");
      } else if (written != null) {
        refreshTtl = written;
      }
    }
    return new CodeFlowSettings(resources != null ? resources : d.resources(), codeTtl, refreshTtl, grace,
        clientMetadata(m, d.clientMetadata()), registration(m, d.registration()));
  }

  private static Duration bounded(YamlMap m, String key, Duration dflt, Duration max, String maxText) {
    Duration written = m.duration(key);
    if (written == null) {
      return dflt;
    }
    if (written.compareTo(max) > 0) {
      m.error(key, "must be at most " + maxText + ", got " + Units.format(written));
      return dflt;
    }
    return written;
  }

  private ClientMetadataSettings clientMetadata(YamlMap parent, ClientMetadataSettings d) {
    YamlMap m = YamlMap.read(parent.value("client_metadata_documents"), parent.field("client_metadata_documents"), problems, CLIENT_METADATA_KEYS);
    if (m == null) {
      return d;
    }
    Boolean enabled = m.bool("enabled");
    List<String> allow = m.strings("allow_domains", "a domain name", CodeFlowReader::domainProblem, s -> s.toLowerCase(Locale.ROOT));
    List<String> deny = m.strings("deny_domains", "a domain name", CodeFlowReader::domainProblem, s -> s.toLowerCase(Locale.ROOT));
    Boolean allowPrivate = m.bool("allow_private_addresses");
    Path ca = null;
    String caText = m.nonEmpty("trust_ca_file");
    if (caText != null) {
      ca = baseDir.resolve(caText).normalize();
    }
    Long maxBytes = m.whole("max_bytes", 256, ClientMetadataSettings.MAX_MAX_BYTES);
    Duration timeout = bounded(m, "timeout", d.timeout(), Duration.ofSeconds(30), "30s");
    Duration cacheMin = m.duration("cache_min");
    Duration cacheMax = m.duration("cache_max");
    Duration min = cacheMin != null ? cacheMin : d.cacheMin();
    Duration max = cacheMax != null ? cacheMax : d.cacheMax();
    if (min.compareTo(max) > 0) {
      m.error(cacheMin != null ? "cache_min" : "cache_max", "cache_min (" + Units.format(min) + ") must not exceed cache_max (" + Units.format(max) + ")");
    }
    return new ClientMetadataSettings(enabled != null ? enabled : d.enabled(),
        allow != null ? lower(allow) : d.allowDomains(), deny != null ? lower(deny) : d.denyDomains(),
        allowPrivate != null ? allowPrivate : d.allowPrivateAddresses(), ca,
        maxBytes != null ? maxBytes.intValue() : d.maxBytes(), timeout, min, max);
  }

  private RegistrationSettings registration(YamlMap parent, RegistrationSettings d) {
    YamlMap m = YamlMap.read(parent.value("registration"), parent.field("registration"), problems, REGISTRATION_KEYS);
    if (m == null) {
      return d;
    }
    RegistrationSettings.Mode mode = d.mode();
    String modeText = m.string("mode");
    if (modeText != null) {
      mode = Arrays.stream(RegistrationSettings.Mode.values()).filter(x -> x.yamlName().equals(modeText)).findFirst().orElse(null);
      if (mode == null) {
        m.error("mode", "unknown registration mode " + Yaml.quote(modeText) + " (known: " + String.join(", ", MODES)
            + ConfigReader.caseHint(modeText, MODES) + ")");
        mode = d.mode();
      }
    }
    String env = m.nonEmpty("initial_access_token_env");
    if (env != null && !env.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      m.error("initial_access_token_env", "must be an environment variable name (letters, digits, '_'), got " + Yaml.quote(env));
      env = null;
    }
    Long perHour = m.whole("max_per_hour", 1, 1_000_000);
    return new RegistrationSettings(mode, env != null ? env : d.initialAccessTokenEnv(), perHour != null ? perHour.intValue() : d.maxPerHour());
  }

  private static List<String> lower(List<String> domains) {
    return domains.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
  }

  /** A DNS name: labels of letters, digits and '-', at least one dot. */
  static String domainProblem(String text) {
    String host = text.toLowerCase(Locale.ROOT);
    if (host.length() > 253 || !host.matches("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
      return "must be a domain name such as example.com (no scheme, port or path), got " + Yaml.quote(text);
    }
    return null;
  }
}
