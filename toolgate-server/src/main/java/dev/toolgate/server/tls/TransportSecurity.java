package dev.toolgate.server.tls;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.config.ToolConfig;
import dev.toolgate.core.pki.ClientCa;
import dev.toolgate.core.pki.TlsFiles;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything TLS a gateway needs, read from the files the configuration names when it starts (so
 * that an unreadable file, a key that is not the certificate's or an expired certificate stops the
 * start with {@code file:line: field: problem}): the listener's certificate, the platforms' client
 * CAs, the tools' upstream CAs.
 *
 * @param listener the listener's TLS; null for plain HTTP
 * @param clientCertificates the client certificates of tools that require {@code mtls}
 * @param upstreamCas each tool's {@code upstream_ca} certificates, by tool name
 */
public record TransportSecurity(TlsListener listener, ClientCertificates clientCertificates, Map<String, List<X509Certificate>> upstreamCas) {
  public TransportSecurity {
    upstreamCas = Map.copyOf(upstreamCas);
  }

  /** Plain HTTP, no client certificates, upstreams verified with the JVM's trust store. */
  public static TransportSecurity none() {
    return new TransportSecurity(null, ClientCertificates.NONE, Map.of());
  }

  /** @throws dev.toolgate.core.config.ConfigException for the first file that cannot be used */
  public static TransportSecurity load(GatewayConfig config, Clock clock) {
    Map<String, ClientCa> clientCas = new HashMap<>();
    for (PlatformConfig platform : config.platforms().values()) {
      if (platform.clientCertificates() != null) {
        clientCas.put(platform.name(), ClientCa.load(platform.name(), platform.clientCertificates().ca()));
      }
    }
    ClientCertificates clientCertificates = clientCas.isEmpty() ? ClientCertificates.NONE : new ClientCertificates(clientCas, clock);
    Map<String, List<X509Certificate>> upstreamCas = new HashMap<>();
    for (ToolConfig tool : config.tools()) {
      if (tool.upstreamCa() != null) {
        upstreamCas.put(tool.name(), TlsFiles.upstreamCa(tool.upstreamCa()));
      }
    }
    TlsListener listener = config.server().tls() == null ? null : TlsListener.load(config.server().tls(), clientCertificates, clock);
    return new TransportSecurity(listener, clientCertificates, upstreamCas);
  }
}
