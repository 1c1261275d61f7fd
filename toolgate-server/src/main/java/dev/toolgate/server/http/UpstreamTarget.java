package dev.toolgate.server.http;

import dev.toolgate.core.route.RouteMatch;
import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a tool's calls go. An upstream URL with a path pins the path (its {@code {name}}
 * placeholders filled from the route's path parameters); without one the request path is kept.
 */
record UpstreamTarget(String host, int port, boolean tls, String pathTemplate) {
  /** The config keeps braces percent-encoded inside the URI; accept both spellings. */
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)\\}|%7B([A-Za-z_][A-Za-z0-9_]*)%7D");

  static UpstreamTarget of(URI upstream) {
    boolean tls = "https".equalsIgnoreCase(upstream.getScheme());
    int port = upstream.getPort() != -1 ? upstream.getPort() : tls ? 443 : 80;
    String path = upstream.getRawPath();
    return new UpstreamTarget(upstream.getHost(), port, tls, path == null || path.isEmpty() || path.equals("/") ? null : path);
  }

  String uri(RouteMatch match, String requestPath, String query) {
    String path = requestPath;
    if (pathTemplate != null) {
      // One pass over the template's own placeholders: a parameter value is never re-read as a placeholder.
      Matcher m = PLACEHOLDER.matcher(pathTemplate);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String name = m.group(1) != null ? m.group(1) : m.group(2);
        m.appendReplacement(out, Matcher.quoteReplacement(match.pathParams().getOrDefault(name, "")));
      }
      m.appendTail(out);
      path = out.toString();
    }
    return query == null || query.isEmpty() ? path : path + "?" + query;
  }

  String authority() {
    boolean defaultPort = tls ? port == 443 : port == 80;
    return defaultPort ? host : host + ":" + port;
  }
}
