package dev.toolgate.server.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Origins as a browser names them in the {@code Origin} header (the ASCII serialisation of RFC 6454:
 * scheme and host in lower case, the default port left out), and the check Toolgate's two browser
 * surfaces (the console and the authorization pages) make before a request may change something.
 */
public final class BrowserOrigin {
  private BrowserOrigin() {}

  /** The origin of an absolute URL. */
  public static String of(String url) {
    URI uri = URI.create(url);
    return serialise(uri.getScheme(), uri.getHost(), uri.getPort());
  }

  /** The origin a browser names when it sent this request to this server directly; null without a Host. */
  public static String ofRequest(HttpServerRequest request) {
    HostAndPort authority = request.authority();
    if (authority == null || authority.host() == null || authority.host().isEmpty()) {
      return null;
    }
    return serialise(request.isSSL() ? "https" : "http", authority.host(), authority.port());
  }

  /**
   * Whether the request names no origin (not a browser, or one that sends none) or exactly one of
   * {@code ours} (null entries match nothing). One {@code Origin} header at most; {@code null} (an
   * opaque origin) is never ours.
   */
  public static boolean noneOrOurs(HttpServerRequest request, String... ours) {
    List<String> origins = request.headers().getAll("origin");
    if (origins.size() != 1) {
      return origins.isEmpty();
    }
    for (String origin : ours) {
      if (origins.get(0).equalsIgnoreCase(origin)) {
        return true;
      }
    }
    return false;
  }

  private static String serialise(String scheme, String host, int port) {
    String s = scheme.toLowerCase(Locale.ROOT);
    boolean defaultPort = port < 0 || s.equals("https") && port == 443 || s.equals("http") && port == 80;
    return s + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
  }
}
