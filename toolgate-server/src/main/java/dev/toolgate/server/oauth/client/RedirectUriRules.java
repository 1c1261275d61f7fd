package dev.toolgate.server.oauth.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * Which redirect URIs a client published in its own metadata may register (RFC 9700 §2.1, RFC 8252
 * §7): https; http only to the loopback interface (a native app's local listener); or a private-use
 * scheme of a native app. Never a fragment, never a user name, never a scheme a browser runs or
 * reads locally. Problems name the entry by position and never echo it.
 */
final class RedirectUriRules {
  static final int MAX_LENGTH = 2048;

  /** Loopback hosts as {@link URI#getHost()} gives them (an IPv6 literal keeps its brackets). */
  private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "[::1]", "localhost");

  /**
   * Schemes that are not a native app's: they run script, read local data or go elsewhere than back to
   * the app. A private-use scheme is otherwise accepted (RFC 8252 §7.1 recommends, but does not
   * require, a reverse domain name such as {@code com.example.app}).
   */
  private static final Set<String> REFUSED_SCHEMES = Set.of("javascript", "vbscript", "data", "file", "blob", "about",
      "filesystem", "view-source", "ftp", "ws", "wss", "mailto", "tel", "sms", "intent", "jar", "chrome", "resource");

  private RedirectUriRules() {}

  /** Null when {@code value} may be registered; else why not, naming it as {@code which}. */
  static String problem(String which, Object value) {
    if (!(value instanceof String s)) {
      return which + " is not a string";
    }
    if (s.isEmpty() || s.length() > MAX_LENGTH) {
      return which + " must be 1 to " + MAX_LENGTH + " characters";
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return which + " must be printable ASCII (RFC 3986): no spaces, control or non-ASCII characters";
      }
    }
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      return which + " is not a valid URI (RFC 3986)";
    }
    if (uri.getScheme() == null) {
      return which + " is not an absolute URI";
    }
    if (uri.getRawFragment() != null) {
      return which + " must not contain a fragment (#)";
    }
    if (uri.getRawAuthority() != null && (uri.getRawUserInfo() != null || uri.getRawAuthority().indexOf('@') >= 0)) {
      return which + " must not contain a user name or password";
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    return switch (scheme) {
      case "https" -> uri.getHost() == null ? which + " has no valid host" : null;
      case "http" -> uri.getHost() != null && LOOPBACK_HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT))
          ? null
          : which + " uses http, which is allowed only for the loopback interface (127.0.0.1, [::1], localhost); use https";
      default -> REFUSED_SCHEMES.contains(scheme)
          ? which + " uses the " + scheme + " scheme, which cannot be a redirect URI"
          : null;
    };
  }
}
