package dev.toolgate.core.config;

import dev.toolgate.core.net.TrustedProxies;
import java.time.Duration;
import java.util.List;

/** The {@code server:} section ({@link ServerSettings}); the proxy keys are read by {@link ProxySettingsReader}. */
final class ServerReader {
  static final List<String> KEYS = List.of("host", "port", "max_body_bytes", "upstream_timeout", "shutdown_grace", "trusted_proxies",
      "client_ip_header", "trusted_proxy_hops", "decisions", "request_head_timeout", TlsReader.SERVER_KEY);

  private ServerReader() {}

  /** {@code server:}; its defaults when absent (or not a mapping: error recorded). */
  static ServerSettings read(YamlMap root, Problems problems, TlsReader tls) {
    ServerSettings d = ServerSettings.defaults();
    YamlMap m = YamlMap.read(root.value("server"), "server", problems, KEYS);
    if (m == null) {
      return d;
    }
    String host = m.nonEmpty("host");
    if (host != null && !ValueChecks.LISTEN_HOST.matcher(host).matches()) {
      m.error("host", "invalid host " + Yaml.quote(host) + " (the address to listen on, e.g. 127.0.0.1, 0.0.0.0 or ::1)");
    }
    Long port = m.whole("port", 0, 65535);
    Long maxBody = m.size("max_body_bytes");
    Duration upstreamTimeout = m.duration("upstream_timeout");
    Duration shutdownGrace = m.duration("shutdown_grace");
    TrustedProxies trustedProxies = ProxySettingsReader.trustedProxies(m, m.cidrs("trusted_proxies", true));
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
        requestHeadTimeout).withTls(tls.server(m));
  }
}
