package dev.toolgate.core.net;

import java.util.List;
import java.util.Locale;

/**
 * Who may say who the client is, and where they say it.
 *
 * @param proxies peers whose {@code clientIpHeader} is believed; empty: nobody's, the connection peer
 *     is always the client
 * @param clientIpHeader the one header those proxies write the client's address into (lower case);
 *     every other forwarding header is ignored
 * @param hops how many trusted proxies in a row append to that header: the client is at most this
 *     many entries from its right end, never further, whatever the caller wrote to the left
 */
public record TrustedProxies(CidrSet proxies, String clientIpHeader, int hops) {
  public static final String DEFAULT_HEADER = "x-forwarded-for";

  public TrustedProxies {
    proxies = proxies == null ? new CidrSet(List.of()) : proxies;
    clientIpHeader = (clientIpHeader == null ? DEFAULT_HEADER : clientIpHeader).toLowerCase(Locale.ROOT);
    if (hops < 1) {
      throw new IllegalArgumentException("hops must be at least 1, got " + hops);
    }
  }

  /** {@code X-Forwarded-For}, one hop. */
  public TrustedProxies(CidrSet proxies) {
    this(proxies, DEFAULT_HEADER, 1);
  }

  public static TrustedProxies none() {
    return new TrustedProxies(new CidrSet(List.of()));
  }
}
