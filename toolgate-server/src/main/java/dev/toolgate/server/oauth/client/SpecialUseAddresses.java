package dev.toolgate.server.oauth.client;

import dev.toolgate.core.net.CidrBlock;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The addresses a client metadata fetch must not reach (RFC 6890 special-use, and the draft's SSRF
 * section): loopback, private, shared (CGNAT), link-local, unspecified, multicast, documentation and
 * reserved ranges, and the IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4,
 * Teredo), whose IPv4 part could be any of those.
 */
final class SpecialUseAddresses {
  private static final String IPV4_EMBEDDING = "IPv4-embedding IPv6";
  private static final Map<CidrBlock, String> BLOCKS = new LinkedHashMap<>();

  static {
    block("loopback", "127.0.0.0/8", "::1/128");
    block("private", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7");
    block("shared (carrier-grade NAT)", "100.64.0.0/10");
    block("link-local", "169.254.0.0/16", "fe80::/10");
    block("unspecified", "0.0.0.0/8", "::/128");
    block("multicast or broadcast", "224.0.0.0/4", "255.255.255.255/32", "ff00::/8");
    block("reserved", "240.0.0.0/4", "192.0.0.0/24", "198.18.0.0/15", "fec0::/10", "100::/64", "2001:2::/48", "2001:10::/28");
    block("documentation", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32");
    block(IPV4_EMBEDDING, "::/96", "64:ff9b::/96", "64:ff9b:1::/48", "2002::/16", "2001::/32",
        "192.88.99.0/24");
  }

  private SpecialUseAddresses() {}

  private static void block(String kind, String... cidrs) {
    for (String c : cidrs) {
      BLOCKS.put(CidrBlock.parse(c), kind);
    }
  }

  /** What kind of special-use address this is, or null for an ordinary public one. */
  static String kind(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (isV4Mapped(bytes)) {
      // ::ffff:a.b.c.d (CidrBlock reads such a literal as the IPv4 address, so it cannot hold the /96)
      return IPV4_EMBEDDING;
    }
    for (Map.Entry<CidrBlock, String> e : BLOCKS.entrySet()) {
      if (e.getKey().contains(bytes)) {
        return e.getValue();
      }
    }
    return null;
  }

  private static boolean isV4Mapped(byte[] b) {
    if (b.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }
}
