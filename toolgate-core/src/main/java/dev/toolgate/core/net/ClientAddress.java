package dev.toolgate.core.net;

import dev.toolgate.core.request.Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Who is calling, by IP. The connection peer, unless the peer is a configured trusted proxy: then
 * the address that proxy wrote into the one configured header ({@code X-Forwarded-For} by default).
 *
 * <p>The header is read from its right end, because a proxy appends (or, better, overwrites) and
 * whatever is to the left came from the caller. One hop by default: the rightmost entry is the
 * client, whether or not it is in the trusted range. With {@code hops} = n the walk goes on past
 * trusted addresses, but never more than n entries, so a caller cannot reach further left into
 * entries it wrote itself. Any other forwarding header ({@code Forwarded}, {@code X-Real-IP}, ...)
 * changes nothing, and neither does any header from a peer that is not trusted.
 */
public final class ClientAddress {
  private final TrustedProxies trusted;

  public ClientAddress(TrustedProxies trusted) {
    this.trusted = trusted;
  }

  /** {@code X-Forwarded-For}, one hop. */
  public ClientAddress(CidrSet trustedProxies) {
    this(new TrustedProxies(trustedProxies));
  }

  public String resolve(String peer, Headers headers) {
    CidrSet proxies = trusted.proxies();
    if (proxies.isEmpty() || !proxies.contains(peer)) {
      return peer;
    }
    List<String> chain = chain(headers, trusted.clientIpHeader());
    String client = peer;
    for (int i = 0; i < trusted.hops() && i < chain.size(); i++) {
      String hop = chain.get(chain.size() - 1 - i);
      if (CidrBlock.literal(hop) == null) {
        return client; // not an address (garbage, "unknown", an obfuscated id): stop at the last one we could trust
      }
      client = hop;
      if (!proxies.contains(hop)) {
        return hop;
      }
    }
    return client;
  }

  /** The addresses in the header, leftmost first: {@code for=} values of {@code Forwarded}, else comma-separated entries. */
  static List<String> chain(Headers headers, String header) {
    List<String> out = new ArrayList<>();
    boolean forwarded = header.equals("forwarded");
    for (String value : headers.all(header)) {
      for (String element : value.split(",")) {
        if (!forwarded) {
          if (!element.isBlank()) {
            out.add(element.strip());
          }
          continue;
        }
        out.add(forValue(element));
      }
    }
    return out;
  }

  /**
   * RFC 7239 {@code for="[2001:db8::1]:4711"} or {@code for=192.0.2.60:8080} → the address alone.
   * An element without {@code for=} gives "", which is no address and so stops the walk there.
   */
  private static String forValue(String element) {
    for (String pair : element.split(";")) {
      String p = pair.strip();
      if (!p.toLowerCase(Locale.ROOT).startsWith("for=")) {
        continue;
      }
      String v = p.substring(4).replace("\"", "");
      if (v.startsWith("[")) {
        int end = v.indexOf(']');
        return end > 0 ? v.substring(1, end) : v;
      }
      int colon = v.indexOf(':');
      return colon >= 0 && colon == v.lastIndexOf(':') ? v.substring(0, colon) : v;
    }
    return "";
  }
}
