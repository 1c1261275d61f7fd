package dev.toolgate.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Client ID Metadata Documents: a {@code client_id} that is an https URL names a JSON document
 * describing the client, which Toolgate fetches (the MCP authorization spec's preferred way for a
 * client to be known without registration).
 *
 * @param enabled whether such client ids are accepted (default true)
 * @param allowDomains when not empty, only client ids on these hosts (a listed domain also covers its subdomains)
 * @param denyDomains client ids on these hosts (and subdomains) are refused; wins over {@code allowDomains}
 * @param allowPrivateAddresses whether a document may be fetched from a private, loopback or link-local address (default false)
 * @param trustCaFile PEM certificates trusted for these fetches besides the JDK's (an internal CA); null for none
 * @param maxBytes largest document accepted (default 5120)
 * @param timeout longest a fetch may take (default 5s)
 * @param cacheMin how long a document is kept when its answer has no caching headers (default 60s)
 * @param cacheMax longest a document is kept, whatever its caching headers say (default 24h)
 */
public record ClientMetadataSettings(boolean enabled, List<String> allowDomains, List<String> denyDomains, boolean allowPrivateAddresses,
    Path trustCaFile, int maxBytes, Duration timeout, Duration cacheMin, Duration cacheMax) {
  public static final int DEFAULT_MAX_BYTES = 5120;
  public static final int MAX_MAX_BYTES = 256 * 1024;

  public ClientMetadataSettings {
    allowDomains = domains("allow_domains", allowDomains);
    denyDomains = domains("deny_domains", denyDomains);
  }

  public static ClientMetadataSettings defaults() {
    return new ClientMetadataSettings(true, List.of(), List.of(), false, null, DEFAULT_MAX_BYTES, Duration.ofSeconds(5),
        Duration.ofSeconds(60), Duration.ofHours(24));
  }

  /** Lower-cased, without a leading {@code *.} or {@code .} or a trailing {@code .}: a domain covers its subdomains anyway. */
  private static List<String> domains(String field, List<String> given) {
    if (given == null) {
      return List.of();
    }
    List<String> out = new java.util.ArrayList<>(given.size());
    for (String d : given) {
      String s = d == null ? "" : d.strip().toLowerCase(java.util.Locale.ROOT);
      s = s.startsWith("*.") ? s.substring(2) : s.startsWith(".") ? s.substring(1) : s;
      s = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
      if (s.isEmpty() || !s.matches("[a-z0-9._-]+") || s.contains("..")) {
        throw new IllegalArgumentException(field + ": '" + d + "' is not a domain name (write example.com; it also covers its subdomains)");
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  public ClientMetadataSettings withAllowPrivateAddresses(boolean allow) {
    return new ClientMetadataSettings(enabled, allowDomains, denyDomains, allow, trustCaFile, maxBytes, timeout, cacheMin, cacheMax);
  }

  public ClientMetadataSettings withTrustCaFile(Path file) {
    return new ClientMetadataSettings(enabled, allowDomains, denyDomains, allowPrivateAddresses, file, maxBytes, timeout, cacheMin, cacheMax);
  }

  public ClientMetadataSettings withDomains(List<String> allow, List<String> deny) {
    return new ClientMetadataSettings(enabled, allow, deny, allowPrivateAddresses, trustCaFile, maxBytes, timeout, cacheMin, cacheMax);
  }

  public ClientMetadataSettings withLimits(int bytes, Duration fetchTimeout) {
    return new ClientMetadataSettings(enabled, allowDomains, denyDomains, allowPrivateAddresses, trustCaFile, bytes, fetchTimeout, cacheMin, cacheMax);
  }
}
