package dev.toolgate.core.config;

import dev.toolgate.core.net.CidrSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * The {@code platforms:} section ({@link PlatformConfig}): where each platform sends its signatures
 * and API keys, its replay windows and allowlist, and the user binding its tools get by default.
 */
final class PlatformsReader {
  static final List<String> KEYS = List.of("signature_header", "signature_encoding", "api_key_header",
      "replay_tolerance", "sendbird_replay_window", "stripe_signature_header", "allowed_ips", "user", TlsReader.PLATFORM_KEY);
  private static final String KNOWN_ENCODINGS =
      Arrays.stream(SignatureEncoding.values()).map(SignatureEncoding::yamlName).collect(Collectors.joining(", "));

  /**
   * What was read: every platform name written (even an invalid one, so that tools naming it get no
   * second, misleading error), the platforms without errors, and {@code platforms.*.user}: the
   * binding of that platform's tools that set neither {@code user} nor a {@code preset}.
   */
  record Platforms(Set<String> names, Map<String, PlatformConfig> configs, Map<String, UserBinding> bindings) {}

  private final Problems problems;
  private final UserBindingReader userBindings;
  private final TlsReader tls;

  PlatformsReader(Problems problems, UserBindingReader userBindings, TlsReader tls) {
    this.problems = problems;
    this.tls = tls;
    this.userBindings = userBindings;
  }

  Platforms read(YamlMap root) {
    Set<String> names = new LinkedHashSet<>();
    Map<String, PlatformConfig> platforms = new LinkedHashMap<>();
    Map<String, UserBinding> bindings = new LinkedHashMap<>();
    YamlMap m = YamlMap.read(root.value("platforms"), "platforms", problems, null);
    if (m == null) {
      return new Platforms(names, platforms, bindings);
    }
    for (Map.Entry<String, NodeTuple> e : m.entries().entrySet()) {
      String name = e.getKey();
      String field = m.field(name);
      names.add(name);
      if (!ValueChecks.PLATFORM_NAME.matcher(name).matches()) {
        problems.add(e.getValue().getKeyNode(), field,
            "invalid platform name " + Yaml.quote(name) + " (1 to 64 characters from a-z, 0-9, '_' and '-')");
        continue;
      }
      PlatformConfig platform = readPlatform(name, e.getValue().getValueNode(), field, bindings);
      if (platform != null) {
        platforms.put(name, platform);
      }
    }
    return new Platforms(names, platforms, bindings);
  }

  private PlatformConfig readPlatform(String name, Node node, String field, Map<String, UserBinding> bindings) {
    PlatformConfig d = PlatformConfig.withDefaults(name);
    YamlMap m = YamlMap.read(node, field, problems, KEYS);
    if (m == null) {
      return null;
    }
    String signatureHeader = ValueChecks.header(m, "signature_header");
    String apiKeyHeader = ValueChecks.header(m, "api_key_header");
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
    String stripeHeader = ValueChecks.header(m, "stripe_signature_header");
    CidrSet allowedIps = m.cidrs("allowed_ips", false);
    if (m.written("user")) {
      UserBinding binding = userBindings.platformDefault(m, name);
      if (binding != null) {
        bindings.put(name, binding);
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
    return p.withClientCertificates(tls.clientCertificates(m));
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
}
