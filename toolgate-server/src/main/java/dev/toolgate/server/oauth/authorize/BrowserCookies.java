package dev.toolgate.server.oauth.authorize;

import dev.toolgate.server.http.CookieHeader;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The two cookies of the authorization pages: the browser's CSRF nonce and its sealed session.
 *
 * <p>Both are {@code HttpOnly}, {@code SameSite=Lax} (sent on the top-level navigation from the
 * application to {@code /oauth/authorize}, not on cross-site POSTs) and scoped to
 * {@code Path=/oauth/authorize}, so they never travel with tool calls the gateway forwards on the
 * same host. Under an https issuer they are {@code Secure} and carry the {@code __Secure-} prefix
 * (a browser then refuses them from plain http). {@code __Host-} would also forbid a Domain, but it
 * requires {@code Path=/}, which would hand the session to every upstream behind the gateway.
 */
final class BrowserCookies {
  static final String CSRF = "toolgate_authorize_csrf";
  static final String SESSION = "toolgate_authorize_session";
  static final String PATH = "/oauth/authorize";
  private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final boolean secure;
  private final String prefix;

  BrowserCookies(boolean secure) {
    this.secure = secure;
    this.prefix = secure ? "__Secure-" : "";
  }

  String csrfName() {
    return prefix + CSRF;
  }

  String sessionName() {
    return prefix + SESSION;
  }

  /** A new CSRF nonce: 256 random bits, base64url. */
  static String newNonce() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static boolean isNonce(String value) {
    return value != null && NONCE.matcher(value).matches();
  }

  /** The browser's CSRF nonce if it sent a well-formed one (several tabs share it), else a new one. */
  String csrfFor(HttpServerRequest req) {
    for (String value : values(req, csrfName())) {
      if (isNonce(value)) {
        return value;
      }
    }
    return newNonce();
  }

  /** Every value the browser sent for cookie {@code name} (a cookie set with another path or domain may come too). */
  static List<String> values(HttpServerRequest req, String name) {
    return CookieHeader.values(req.headers(), name);
  }

  /** The CSRF cookie lives as long as the browser session: it is a per-browser nonce, not a secret with a lifetime. */
  void setCsrf(HttpServerResponse response, String nonce) {
    response.headers().add("set-cookie", cookie(csrfName(), nonce, null));
  }

  void setSession(HttpServerResponse response, String sealed, Duration lifetime) {
    response.headers().add("set-cookie", cookie(sessionName(), sealed, lifetime));
  }

  void clearSession(HttpServerResponse response) {
    response.headers().add("set-cookie", cookie(sessionName(), "", Duration.ZERO));
  }

  private String cookie(String name, String value, Duration maxAge) {
    StringBuilder b = new StringBuilder(name).append('=').append(value).append("; Path=").append(PATH).append("; HttpOnly; SameSite=Lax");
    if (secure) {
      b.append("; Secure");
    }
    if (maxAge != null) {
      b.append("; Max-Age=").append(maxAge.toSeconds());
    }
    return b.toString();
  }
}
