package dev.toolgate.core.net;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Redirect URIs of OAuth clients: which may be registered, and whether a requested one is a
 * registered one. Matching is exact (string comparison, RFC 9700 §4.1.3), with one exception from
 * RFC 8252 §7.3: a native app's loopback redirect ({@code http://127.0.0.1}, {@code http://[::1]},
 * {@code http://localhost}) may use any port, since the app listens on whatever port is free.
 */
public final class RedirectUris {
  public static final int MAX_LENGTH = 2000;

  private RedirectUris() {}

  /** Why {@code uri} cannot be registered as a redirect URI, or null when it can. */
  public static String problem(String uri) {
    if (uri == null || uri.isEmpty()) {
      return "a redirect URI must not be empty";
    }
    if (uri.length() > MAX_LENGTH) {
      return "a redirect URI must be at most " + MAX_LENGTH + " characters";
    }
    if (uri.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
      return "a redirect URI must not contain spaces, control or non-ASCII characters";
    }
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      return "a redirect URI must be a valid absolute URI";
    }
    if (parsed.getScheme() == null || parsed.isOpaque() && !isPrivateUseScheme(parsed.getScheme())) {
      return "a redirect URI must be an absolute URI such as https://app.example.com/callback";
    }
    if (parsed.getRawFragment() != null) {
      return "a redirect URI must not have a fragment (RFC 6749 §3.1.2)";
    }
    if (parsed.getRawUserInfo() != null) {
      return "a redirect URI must not have user info";
    }
    String scheme = parsed.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("https")) {
      return parsed.getHost() == null ? "an https redirect URI needs a host" : null;
    }
    if (scheme.equals("http")) {
      return isLoopback(parsed) ? null : "plain http is only allowed for loopback redirects (127.0.0.1, [::1], localhost; RFC 8252 §7.3)";
    }
    if (scheme.equals("javascript") || scheme.equals("data") || scheme.equals("file") || scheme.equals("vbscript")) {
      return "the " + scheme + ": scheme is not a redirect URI";
    }
    // RFC 8252 §7.1: a native app's private-use scheme, in reverse domain name form (com.example.app:/callback).
    return isPrivateUseScheme(scheme) ? null : "a custom-scheme redirect URI must use a reverse domain name scheme such as com.example.app:/callback (RFC 8252 §7.1)";
  }

  /** Whether {@code requested} is one of {@code registered}: exactly, or a loopback redirect differing only in its port. */
  public static boolean matches(List<String> registered, String requested) {
    if (requested == null) {
      return false;
    }
    for (String r : registered) {
      if (r.equals(requested) || loopbackPortVariant(r, requested)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the redirect goes to the user's own machine (the consent page warns about it). */
  public static boolean isLoopback(String uri) {
    try {
      return isLoopback(new URI(uri));
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static boolean loopbackPortVariant(String registered, String requested) {
    URI a;
    URI b;
    try {
      a = new URI(registered);
      b = new URI(requested);
    } catch (URISyntaxException e) {
      return false;
    }
    return "http".equals(a.getScheme()) && "http".equals(b.getScheme()) && isLoopback(a) && isLoopback(b)
        && a.getHost().equals(b.getHost()) && a.getRawUserInfo() == null && b.getRawUserInfo() == null
        && eq(a.getRawPath(), b.getRawPath()) && eq(a.getRawQuery(), b.getRawQuery()) && b.getRawFragment() == null
        && isListeningPort(b);
  }

  /**
   * Whether the requested loopback redirect names a port an app can listen on: 1-65535, or none.
   * java.net.URI takes any number of digits (:0, :65536) and an empty port (127.0.0.1:/cb) as a port;
   * such a "redirect URI" is no address at all, and browsers refuse or rewrite it.
   */
  private static boolean isListeningPort(URI uri) {
    int port = uri.getPort();
    return port == -1 ? !uri.getRawAuthority().endsWith(":") : port >= 1 && port <= 65535;
  }

  private static boolean isLoopback(URI uri) {
    String host = uri.getHost();
    return "http".equalsIgnoreCase(uri.getScheme()) && host != null
        && (host.equals("127.0.0.1") || host.equals("[::1]") || host.equalsIgnoreCase("localhost"));
  }

  private static boolean isPrivateUseScheme(String scheme) {
    return scheme.contains(".") && scheme.matches("[A-Za-z][A-Za-z0-9+.-]*");
  }

  private static boolean eq(String a, String b) {
    return a == null ? b == null : a.equals(b);
  }
}
