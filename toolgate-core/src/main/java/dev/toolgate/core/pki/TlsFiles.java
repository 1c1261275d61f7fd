package dev.toolgate.core.pki;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.config.PemFile;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.config.ToolConfig;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * Every PEM file a configuration names, read and checked the way the server does at start: the
 * listener's certificate and key, each platform's client CA, each tool's upstream CA. For an offline
 * check of a configuration, where the files are those of the machine it runs on.
 */
public final class TlsFiles {
  private TlsFiles() {}

  /** @throws dev.toolgate.core.config.ConfigException for the first file that cannot be used */
  public static void check(GatewayConfig config, Instant now) {
    if (config.server().tls() != null) {
      ServerCertificate.load(config.server().tls(), now);
    }
    for (PlatformConfig platform : config.platforms().values()) {
      if (platform.clientCertificates() != null) {
        ClientCa.load(platform.name(), platform.clientCertificates().ca());
      }
    }
    for (ToolConfig tool : config.tools()) {
      if (tool.upstreamCa() != null) {
        upstreamCa(tool.upstreamCa());
      }
    }
  }

  /** The certificates of a tool's {@code upstream_ca}, read now. */
  public static List<X509Certificate> upstreamCa(PemFile file) {
    return PemFiles.certificates(file, PemFiles.read(file));
  }
}
