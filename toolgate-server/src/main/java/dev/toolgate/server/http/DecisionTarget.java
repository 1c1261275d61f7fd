package dev.toolgate.server.http;

import io.vertx.core.http.HttpServerRequest;
import java.util.List;

/**
 * The call a proxy asks the decision API about. nginx {@code auth_request} sends the original
 * URI in a header it is configured to set ({@code X-Original-URI} or {@code X-Forwarded-Uri}) and,
 * optionally, the method in {@code X-Forwarded-Method}; Envoy ext_authz (HTTP mode, with a path
 * prefix) sends the original method and appends the original path to {@code /decisions}.
 */
record DecisionTarget(String method, String path, String query) {
  static final String PREFIX = "/decisions";

  /** Null when the request does not say which call it asks about, or says it twice. */
  static DecisionTarget of(HttpServerRequest req) {
    String method = single(req, "x-forwarded-method");
    if (method == null) {
      method = req.method().name();
    } else if (!method.matches("[A-Z]{1,16}")) {
      return null;
    }
    String uri = single(req, "x-forwarded-uri");
    if (uri == null) {
      uri = single(req, "x-original-uri");
    }
    if (uri == null) {
      String own = req.uri();
      if (!own.startsWith(PREFIX + "/")) {
        return null;
      }
      uri = own.substring(PREFIX.length());
    }
    if (!uri.startsWith("/")) {
      return null;
    }
    int q = uri.indexOf('?');
    return q < 0 ? new DecisionTarget(method, uri, null) : new DecisionTarget(method, uri.substring(0, q), uri.substring(q + 1));
  }

  private static String single(HttpServerRequest req, String name) {
    List<String> values = req.headers().getAll(name);
    return values.size() == 1 ? values.get(0).strip() : null;
  }
}
