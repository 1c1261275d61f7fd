package dev.toolgate.core.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a tool's {@code upstream}: an absolute http or https URL with a host, without user info,
 * query or fragment. Its path may hold {@code {name}} placeholders; {@link URI} cannot hold a raw
 * brace, so they are stored percent-encoded ({@code %7Bname%7D}) and {@link URI#getPath()} gives
 * them back as {@code {name}}.
 *
 * <p>Error messages never repeat the URL itself: a mistaken URL may carry a password (the checks
 * are {@link HttpUrl}'s, shared with the other URLs of the file).
 */
final class UpstreamUrl {
  private static final Pattern WRITTEN_PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)\\}");
  private static final Pattern DECODED_PLACEHOLDER = Pattern.compile("\\{([^{}/]*)\\}");

  private UpstreamUrl() {}

  /** The URI, or an {@link IllegalArgumentException} whose message says what is wrong. */
  static URI parse(String text) {
    return HttpUrl.UPSTREAM.parse(text, WRITTEN_PLACEHOLDER.matcher(text).replaceAll("%7B$1%7D"));
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
