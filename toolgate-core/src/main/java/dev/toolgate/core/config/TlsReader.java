package dev.toolgate.core.config;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * The TLS keys of {@code toolgate.yaml}: {@code server.tls} (the listener's certificate and key),
 * {@code platforms.<name>.client_certificates} (the CA of a platform's client certificates),
 * {@code tools[].upstream_ca} (the CA of a tool's https upstream) and {@code policy.mtls} (which
 * client certificates may call a tool). Only paths are read here; the files themselves are read and
 * checked when the server starts ({@code dev.toolgate.core.pki.TlsFiles}).
 */
final class TlsReader {
  static final String SERVER_KEY = "tls";
  static final List<String> SERVER_TLS_KEYS = List.of("certificate", "key", "reload_interval");
  static final String PLATFORM_KEY = "client_certificates";
  static final List<String> CLIENT_CERTIFICATES_KEYS = List.of("ca");
  static final String TOOL_KEY = "upstream_ca";
  static final String POLICY_KEY = "mtls";
  static final List<String> MTLS_KEYS = List.of("subjects", "spiffe_ids");
  /** SPIFFE id (spiffe.io, SPIFFE-ID spec): lower-case trust domain, path segments of letters, digits, '.', '-', '_'. */
  private static final Pattern SPIFFE_ID = Pattern.compile("spiffe://[a-z0-9._-]+(/[A-Za-z0-9._-]+)*");

  private final Problems problems;
  private final Path source;
  private final Path baseDir;

  TlsReader(Problems problems, Path source, Path baseDir) {
    this.problems = problems;
    this.source = source;
    this.baseDir = baseDir;
  }

  /** {@code server.tls}; null when absent (plain HTTP) or wrong (error recorded). */
  ServerTls server(YamlMap server) {
    if (!server.written(SERVER_KEY)) {
      return null;
    }
    YamlMap m = YamlMap.read(server.value(SERVER_KEY), server.field(SERVER_KEY), problems, SERVER_TLS_KEYS);
    if (m == null) {
      return null;
    }
    boolean certificateWritten = m.require("certificate", "the PEM file of the server's certificate chain, e.g."
        + " `certificate: /etc/toolgate/tls/fullchain.pem` (the server's certificate first, then its issuers)");
    boolean keyWritten = m.require("key", "the PEM file of the certificate's private key, e.g. `key: /etc/toolgate/tls/privkey.pem`");
    PemFile certificate = certificateWritten ? file(m, "certificate") : null;
    PemFile key = keyWritten ? file(m, "key") : null;
    Duration interval = m.duration("reload_interval");
    if (interval != null && interval.compareTo(ServerTls.MIN_RELOAD_INTERVAL) < 0) {
      m.error("reload_interval", "must be at least " + Units.format(ServerTls.MIN_RELOAD_INTERVAL) + ", got " + Units.format(interval));
      interval = null;
    }
    return certificate == null || key == null ? null : new ServerTls(certificate, key, interval);
  }

  /** {@code platforms.<name>.client_certificates}; null when absent or wrong (error recorded). */
  ClientCertificates clientCertificates(YamlMap platform) {
    if (!platform.written(PLATFORM_KEY)) {
      return null;
    }
    YamlMap m = YamlMap.read(platform.value(PLATFORM_KEY), platform.field(PLATFORM_KEY), problems, CLIENT_CERTIFICATES_KEYS);
    if (m == null) {
      return null;
    }
    if (!m.require("ca", "the PEM file of the CA certificates that issue this platform's client certificates, e.g. `ca: client-ca.pem`")) {
      return null;
    }
    PemFile ca = file(m, "ca");
    return ca == null ? null : new ClientCertificates(ca);
  }

  /** {@code tools[i].upstream_ca}; null when absent or wrong (error recorded). */
  PemFile upstreamCa(YamlMap tool, URI upstream) {
    if (!tool.has(TOOL_KEY)) {
      return null;
    }
    PemFile ca = file(tool, TOOL_KEY);
    if (ca != null && upstream != null && !"https".equalsIgnoreCase(upstream.getScheme())) {
      tool.error(TOOL_KEY, "applies to an https upstream only: this tool's upstream is plain http, where no certificate is checked");
      return null;
    }
    return ca;
  }

  /**
   * {@code policy.mtls} of a policy that requires {@code mtls}; {@link MtlsPolicy#any()} without the
   * section. The tool's platform must name the CA of its client certificates.
   *
   * @param platform the tool's platform; named "" when the tool names none, null when it names an unknown one
   * @param requireItem the {@code mtls} item of {@code require}, where a missing CA is reported
   */
  MtlsPolicy mtls(YamlMap policy, PlatformConfig platform, Node requireItem, String requireField) {
    if (platform != null && platform.name().isEmpty()) {
      problems.add(requireItem, requireField, "mtls checks the client certificate against the CA of the tool's platform: name the tool's"
          + " `platform`, and give that platform `client_certificates: {ca: FILE}`");
    } else if (platform != null && platform.clientCertificates() == null) {
      problems.add(requireItem, requireField, "mtls checks the client certificate against the CA of platform '" + platform.name()
          + "', which names none: add `client_certificates: {ca: FILE}` under platforms." + platform.name());
    }
    if (!policy.has(POLICY_KEY)) {
      return MtlsPolicy.any();
    }
    YamlMap m = YamlMap.read(policy.value(POLICY_KEY), policy.field(POLICY_KEY), problems, MTLS_KEYS);
    if (m == null) {
      return null;
    }
    List<String> subjects = list(m, "subjects", "a distinguished name such as CN=agent,O=Example", TlsReader::subjectProblem,
        MtlsPolicy::canonical);
    List<String> spiffeIds = list(m, "spiffe_ids", "a SPIFFE id such as spiffe://example.org/agent", TlsReader::spiffeIdProblem, s -> s);
    return new MtlsPolicy(subjects, spiffeIds);
  }

  /** Client certificates are asked for in the TLS handshake: a platform that names their CA needs {@code server.tls}. */
  void checkClientCertificatesNeedTls(ServerSettings server, Map<String, PlatformConfig> platforms) {
    if (server.tls() != null) {
      return;
    }
    for (PlatformConfig platform : platforms.values()) {
      if (platform.clientCertificates() != null) {
        ConfigLocation at = platform.clientCertificates().ca().at();
        problems.add(at.line(), "platforms." + platform.name() + "." + PLATFORM_KEY, "client certificates are presented in the TLS"
            + " handshake, and this server speaks plain HTTP: configure `server.tls` (certificate and key)");
      }
    }
  }

  /** A path to a PEM file, resolved against the configuration's directory; null when wrong (error recorded). */
  private PemFile file(YamlMap m, String key) {
    String text = m.nonEmpty(key);
    if (text == null) {
      return null;
    }
    if (text.contains("-----BEGIN") || text.contains("\n")) {
      // Not echoed: it may be a private key.
      m.error(key, "must be the path of a PEM file, not its contents: write the PEM text to a file and name that file here");
      return null;
    }
    try {
      Path p = Path.of(text);
      String resolved = p.isAbsolute() ? text : baseDir.resolve(p).normalize().toString();
      return new PemFile(resolved, new ConfigLocation(source, Yaml.line(m.value(key)), m.field(key)));
    } catch (InvalidPathException e) {
      m.error(key, "invalid file path: " + e.getReason());
      return null;
    }
  }

  /** A non-empty list of distinct strings, each checked, kept as written; duplicates are compared in their {@code same} form. */
  private static List<String> list(YamlMap m, String key, String what, java.util.function.Function<String, String> check,
      java.util.function.Function<String, String> same) {
    if (m.isEmptyList(key)) {
      m.error(key, "an empty list would refuse every certificate; list " + what + ", or remove `" + key + "`");
      return List.of();
    }
    List<String> read = m.strings(key, what, check, same);
    return read == null ? List.of() : read;
  }

  private static String subjectProblem(String text) {
    try {
      MtlsPolicy.canonical(text);
      return null;
    } catch (IllegalArgumentException e) {
      return "invalid distinguished name " + Yaml.quote(text) + " (RFC 4514, e.g. CN=agent,O=Example; `openssl x509 -noout -subject"
          + " -nameopt RFC2253 -in cert.pem` prints a certificate's)";
    }
  }

  private static String spiffeIdProblem(String text) {
    if (!text.toLowerCase(Locale.ROOT).startsWith("spiffe://")) {
      return "invalid SPIFFE id " + Yaml.quote(text) + ": it starts with spiffe:// (e.g. spiffe://example.org/agent)";
    }
    if (!SPIFFE_ID.matcher(text).matches()) {
      return "invalid SPIFFE id " + Yaml.quote(text) + ": spiffe://, a lower-case trust domain, then path segments of letters, digits,"
          + " '.', '-' and '_' (no query, fragment, port or trailing '/')";
    }
    return null;
  }
}
