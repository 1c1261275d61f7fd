package dev.toolgate.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Checks an absolute http or https URL with a host, without user info or fragment (and, unless
 * allowed, without a query): a tool's {@code upstream}, the authorization server's {@code issuer}, a
 * trusted issuer's {@code jwks_uri}. Each use names itself in the messages ("upstream URL ...").
 *
 * <p>Error messages never repeat the URL itself: a mistaken URL may carry a password.
 *
 * @param noun how the messages name the URL, e.g. {@code upstream URL}
 * @param example a valid URL of this kind, shown when the text is not a URL at all
 * @param minimalExample the shortest valid URL of this kind, shown when the URL is not absolute
 * @param queryAllowed whether a query ({@code ?...}) is accepted
 */
record HttpUrl(String noun, String example, String minimalExample, boolean queryAllowed) {
  static final HttpUrl UPSTREAM = new HttpUrl("upstream URL", "http://127.0.0.1:9000/orders/{order_id}", "http://127.0.0.1:9000", false);
  static final HttpUrl ISSUER = new HttpUrl("issuer URL", "https://auth.example.com", "https://auth.example.com", false);
  static final HttpUrl JWKS = new HttpUrl("JWKS URL", "https://login.example.com/.well-known/jwks.json",
      "https://login.example.com/.well-known/jwks.json", true);

  /** The URI, or an {@link IllegalArgumentException} whose message says what is wrong. */
  URI parse(String text) {
    return parse(text, text);
  }

  /**
   * Like {@link #parse(String)}, for a text that was rewritten before parsing (e.g. placeholders
   * percent-encoded): {@code written} is checked for characters and user info, {@code uriText} is parsed.
   */
  URI parse(String written, String uriText) {
    if (written.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException(noun + " must not contain spaces or control characters");
    }
    int schemeEnd = written.indexOf("://");
    String authority = schemeEnd < 0 ? "" : written.substring(schemeEnd + 3).split("[/?#]", 2)[0];
    if (authority.contains("@")) {
      throw userInfo();
    }
    URI uri;
    try {
      uri = new URI(uriText);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(noun + " is not a valid URL: " + e.getReason().toLowerCase(Locale.ROOT)
          + " at character " + (e.getIndex() + 1) + " (e.g. " + example + ")");
    }
    if (uri.getScheme() == null) {
      throw new IllegalArgumentException(noun + " must be absolute: http:// or https://, a host, and an optional port and path (e.g. "
          + minimalExample + ")");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(noun + " scheme '" + uri.getScheme() + "' is not allowed: use http or https");
    }
    if (uri.isOpaque() || uri.getRawAuthority() == null) {
      throw new IllegalArgumentException(noun + " has no host: write " + scheme + "://host[:port][/path]");
    }
    if (uri.getRawUserInfo() != null) {
      throw userInfo();
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException(noun + " has no valid host name or IP address");
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      throw new IllegalArgumentException(noun + " port must be from 1 to 65535");
    }
    if (uri.getRawQuery() != null && !queryAllowed) {
      throw new IllegalArgumentException(noun + " must not have a query (?...)");
    }
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException(noun + " must not have a fragment (#...)");
    }
    return uri;
  }

  private IllegalArgumentException userInfo() {
    return new IllegalArgumentException(noun + " must not contain user info (user:password@): credentials never go in this file");
  }
}
