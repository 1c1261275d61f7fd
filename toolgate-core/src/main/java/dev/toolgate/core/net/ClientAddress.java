package dev.toolgate.core.net;

import dev.toolgate.core.request.Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Who is calling, by IP. The connection peer, unless the peer is a configured trusted proxy: then
 * the {@code X-Forwarded-For} (or RFC 7239 {@code Forwarded}) chain is walked from the right,
 * skipping trusted proxies, and the first untrusted address is the client. A header from anyone
 * else changes nothing, so it cannot be spoofed around an allowlist or a rate limit.
 */
public final class ClientAddress {
  private final CidrSet trustedProxies;

  public ClientAddress(CidrSet trustedProxies) {
    this.trustedProxies = trustedProxies;
  }

  public String resolve(String peer, Headers headers) {
    if (trustedProxies.isEmpty() || !trustedProxies.contains(peer)) {
      return peer;
    }
    List<String> chain = forwardedChain(headers);
    String client = peer;
    for (int i = chain.size() - 1; i >= 0; i--) {
      String hop = chain.get(i);
      if (CidrBlock.literal(hop) == null) {
        return client; // garbage in the chain: stop at the last address we could trust
      }
      client = hop;
      if (!trustedProxies.contains(hop)) {
        return hop;
      }
    }
    return client;
  }

  /** Addresses, leftmost first; {@code Forwarded} wins over {@code X-Forwarded-For} when both are sent. */
  static List<String> forwardedChain(Headers headers) {
    List<String> out = new ArrayList<>();
    List<String> forwarded = headers.all("forwarded");
    if (!forwarded.isEmpty()) {
      for (String value : forwarded) {
        for (String element : value.split(",")) {
          for (String pair : element.split(";")) {
            String p = pair.strip();
            if (p.toLowerCase(Locale.ROOT).startsWith("for=")) {
              String v = p.substring(4).replace("\"", "");
              // for="[2001:db8::1]:4711" or for=192.0.2.60:8080 → the address alone
              if (v.startsWith("[")) {
                int end = v.indexOf(']');
                v = end > 0 ? v.substring(1, end) : v;
              } else if (v.indexOf(':') >= 0 && v.indexOf(':') == v.lastIndexOf(':')) {
                v = v.substring(0, v.indexOf(':'));
              }
              out.add(v);
            }
          }
        }
      }
      return out;
    }
    for (String value : headers.all("x-forwarded-for")) {
      for (String hop : value.split(",")) {
        if (!hop.isBlank()) {
          out.add(hop.strip());
        }
      }
    }
    return out;
  }
}
