package dev.toolgate.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a tool's {@code upstream}: an absolute http or https URL with a host, without user info,
 * query or fragment. Its path may hold {@code {name}} placeholders; {@link URI} cannot hold a raw
 * brace, so they are stored percent-encoded ({@code %7Bname%7D}) and {@link URI#getPath()} gives
 * them back as {@code {name}}.
 *
 * <p>Error messages never repeat the URL itself: a mistaken URL may carry a password.
 */
final class UpstreamUrl {
  private static final Pattern WRITTEN_PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)\\}");
  private static final Pattern DECODED_PLACEHOLDER = Pattern.compile("\\{([^{}/]*)\\}");

  private UpstreamUrl() {}

  /** The URI, or an {@link IllegalArgumentException} whose message says what is wrong. */
  static URI parse(String text) {
    if (text.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException("upstream URL must not contain spaces or control characters");
    }
    int schemeEnd = text.indexOf("://");
    String authority = schemeEnd < 0 ? "" : text.substring(schemeEnd + 3).split("[/?#]", 2)[0];
    if (authority.contains("@")) {
      throw new IllegalArgumentException("upstream URL must not contain user info (user:password@): credentials never go in this file");
    }
    URI uri;
    try {
      uri = new URI(WRITTEN_PLACEHOLDER.matcher(text).replaceAll("%7B$1%7D"));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("upstream URL is not a valid URL: " + e.getReason().toLowerCase(Locale.ROOT)
          + " at character " + (e.getIndex() + 1) + " (e.g. http://127.0.0.1:9000/orders/{order_id})");
    }
    if (uri.getScheme() == null) {
      throw new IllegalArgumentException("upstream URL must be absolute: http:// or https://, a host, and an optional port and path (e.g. http://127.0.0.1:9000)");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("upstream URL scheme '" + uri.getScheme() + "' is not allowed: use http or https");
    }
    if (uri.isOpaque() || uri.getRawAuthority() == null) {
      throw new IllegalArgumentException("upstream URL has no host: write " + scheme + "://host[:port][/path]");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("upstream URL must not contain user info (user:password@): credentials never go in this file");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("upstream URL has no valid host name or IP address");
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      throw new IllegalArgumentException("upstream URL port must be from 1 to 65535");
    }
    if (uri.getRawQuery() != null) {
      throw new IllegalArgumentException("upstream URL must not have a query (?...)");
    }
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException("upstream URL must not have a fragment (#...)");
    }
    return uri;
  }

  /** The {@code {name}} placeholders in the URI's path, in order. */
  static List<String> placeholders(URI uri) {
    List<String> names = new ArrayList<>();
    if (uri.getPath() != null) {
      Matcher m = DECODED_PLACEHOLDER.matcher(uri.getPath());
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }
}
