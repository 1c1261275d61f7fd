package dev.toolgate.server.http;

import dev.toolgate.core.route.RouteMatch;
import java.net.URI;
import java.util.Map;

/**
 * Where a tool's calls go. An upstream URL with a path pins the path (its {@code {name}}
 * placeholders filled from the route's path parameters); without one the request path is kept.
 */
record UpstreamTarget(String host, int port, boolean tls, String pathTemplate) {

  static UpstreamTarget of(URI upstream) {
    boolean tls = "https".equalsIgnoreCase(upstream.getScheme());
    int port = upstream.getPort() != -1 ? upstream.getPort() : tls ? 443 : 80;
    String path = upstream.getRawPath();
    return new UpstreamTarget(upstream.getHost(), port, tls, path == null || path.isEmpty() || path.equals("/") ? null : path);
  }

  String uri(RouteMatch match, String requestPath, String query) {
    String path = requestPath;
    if (pathTemplate != null) {
      path = pathTemplate;
      for (Map.Entry<String, String> p : match.pathParams().entrySet()) {
        // The config keeps braces percent-encoded in the URI; accept both spellings.
        path = path.replace("%7B" + p.getKey() + "%7D", p.getValue()).replace("{" + p.getKey() + "}", p.getValue());
      }
    }
    return query == null || query.isEmpty() ? path : path + "?" + query;
  }

  String authority() {
    boolean defaultPort = tls ? port == 443 : port == 80;
    return defaultPort ? host : host + ":" + port;
  }
}
