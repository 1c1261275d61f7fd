package dev.toolgate.server.oauth.authorize;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The answers sent back to the client's redirect URI (RFC 6749 §4.1.2), each with {@code iss}
 * (RFC 9207) so a client talking to several authorization servers can tell which one answered.
 * The redirect URI's own query is kept; the parameters are appended.
 */
final class ClientRedirect {
  private ClientRedirect() {}

  static String code(String redirectUri, String code, String state, String issuer) {
    StringBuilder b = start(redirectUri).append("code=").append(encode(code));
    return finish(b, state, issuer);
  }

  static String error(String redirectUri, String error, String description, String state, String issuer) {
    StringBuilder b = start(redirectUri).append("error=").append(encode(error));
    if (description != null) {
      b.append("&error_description=").append(encode(description));
    }
    return finish(b, state, issuer);
  }

  private static StringBuilder start(String redirectUri) {
    StringBuilder b = new StringBuilder(redirectUri);
    if (redirectUri.indexOf('?') < 0) {
      b.append('?');
    } else if (!redirectUri.endsWith("?") && !redirectUri.endsWith("&")) {
      b.append('&');
    }
    return b;
  }

  private static String finish(StringBuilder b, String state, String issuer) {
    if (state != null) {
      b.append("&state=").append(encode(state));
    }
    return b.append("&iss=").append(encode(issuer)).toString();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * The CSP source for the redirect URI, so that {@code form-action} allows the 303 after a form POST
   * (Chromium checks form-action on redirects too): its origin for http(s) with a plain host name or
   * IPv4 address, else its scheme (a private-use scheme, or an IPv6 loopback, which CSP host
   * sources cannot express).
   */
  static String cspSource(String redirectUri) {
    URI uri;
    try {
      uri = new URI(redirectUri);
    } catch (URISyntaxException e) {
      return null;
    }
    String scheme = uri.getScheme();
    if (scheme == null || !scheme.matches("[A-Za-z][A-Za-z0-9+.-]*")) {
      return null;
    }
    scheme = scheme.toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    if ((scheme.equals("http") || scheme.equals("https")) && host != null && host.matches("[A-Za-z0-9.-]+")) {
      return scheme + "://" + host.toLowerCase(Locale.ROOT) + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
    }
    return scheme + ":";
  }

  /** What the consent page names as the place the answer goes: host and port, or the app's scheme. */
  static String displayHost(String redirectUri) {
    try {
      URI uri = new URI(redirectUri);
      if (uri.getHost() != null) {
        return uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
      }
      return uri.getScheme() == null ? redirectUri : uri.getScheme() + ":";
    } catch (URISyntaxException e) {
      return redirectUri;
    }
  }
}
