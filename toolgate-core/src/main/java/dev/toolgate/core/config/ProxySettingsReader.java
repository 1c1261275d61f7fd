package dev.toolgate.core.config;

import dev.toolgate.core.net.CidrSet;
import dev.toolgate.core.net.TrustedProxies;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code server} keys that say what Toolgate believes from the proxy in front of it: whose
 * client-address header, which header, over how many hops ({@code trusted_proxies},
 * {@code client_ip_header}, {@code trusted_proxy_hops}), and where the decision API reads the call
 * it judges ({@code decisions}).
 */
final class ProxySettingsReader {
  static final List<String> DECISIONS_KEYS = List.of("source", "uri_header", "method_header");
  static final int MAX_HOPS = 16;
  private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9-]{1,64}");
  /** Headers that mean something else to HTTP itself: naming one of them is a mistake. */
  private static final Set<String> RESERVED = Set.of("host", "content-length", "content-type", "transfer-encoding", "connection",
      "authorization", "cookie", "te", "upgrade", "expect");

  private ProxySettingsReader() {}

  /** {@code trusted_proxies} (already read), {@code client_ip_header}, {@code trusted_proxy_hops}. */
  static TrustedProxies trustedProxies(YamlMap m, CidrSet proxies) {
    String header = headerName(m, "client_ip_header");
    Long hops = m.whole("trusted_proxy_hops", 1, MAX_HOPS);
    if (proxies == null || proxies.isEmpty()) {
      for (String key : List.of("client_ip_header", "trusted_proxy_hops")) {
        if (m.has(key)) {
          m.error(key, "has no effect without `trusted_proxies`: no proxy's header is believed, the connection peer is the client");
        }
      }
    }
    return new TrustedProxies(proxies, header != null ? header : TrustedProxies.DEFAULT_HEADER, hops != null ? hops.intValue() : 1);
  }

  /** {@code decisions: {source, uri_header, method_header}}. */
  static DecisionSource decisions(YamlMap server, Problems problems, TrustedProxies trusted) {
    DecisionSource d = DecisionSource.defaults();
    YamlMap m = YamlMap.read(server.value("decisions"), server.field("decisions"), problems, DECISIONS_KEYS);
    if (m == null) {
      return d;
    }
    DecisionSource.Kind kind = DecisionSource.Kind.HEADERS;
    String source = m.string("source");
    if (source != null) {
      switch (source) {
        case "headers" -> kind = DecisionSource.Kind.HEADERS;
        case "path" -> kind = DecisionSource.Kind.PATH;
        default -> m.error("source", "unknown source " + Yaml.quote(source)
            + " (known: headers, for nginx auth_request; path, for Envoy ext_authz with path_prefix /decisions)");
      }
    }
    String uriHeader = headerName(m, "uri_header");
    String methodHeader = headerName(m, "method_header");
    if (kind == DecisionSource.Kind.PATH) {
      for (String key : List.of("uri_header", "method_header")) {
        if (m.written(key)) {
          problems.add(m.lineOf(key), m.field(key), "applies to source headers only (source path takes the call from the request's own"
              + " method and its path below /decisions)");
        }
      }
      return DecisionSource.path();
    }
    uriHeader = uriHeader != null ? uriHeader : DecisionSource.DEFAULT_URI_HEADER;
    methodHeader = methodHeader != null ? methodHeader : DecisionSource.DEFAULT_METHOD_HEADER;
    if (uriHeader.equals(methodHeader)) {
      m.error("method_header", "must differ from uri_header: one header cannot carry both the target and the method");
    }
    for (String key : List.of("uri_header", "method_header")) {
      String name = key.equals("uri_header") ? uriHeader : methodHeader;
      if (m.has(key) && name.equals(trusted.clientIpHeader())) {
        m.error(key, "is also server.client_ip_header: the call's target, its method and the client's address need one header each");
      }
    }
    return new DecisionSource(kind, uriHeader, methodHeader);
  }

  /** A header name (letters, digits and '-'), lower case; null when absent or wrong (error recorded). */
  private static String headerName(YamlMap m, String key) {
    String name = m.nonEmpty(key);
    if (name == null) {
      return null;
    }
    if (!HEADER_NAME.matcher(name).matches()) {
      m.error(key, "expected a header name of letters, digits and '-', such as X-Forwarded-For, got " + Yaml.quote(name));
      return null;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (RESERVED.contains(lower)) {
      m.error(key, Yaml.quote(name) + " is an HTTP header with a meaning of its own; name the header your proxy sets");
      return null;
    }
    return lower;
  }
}
