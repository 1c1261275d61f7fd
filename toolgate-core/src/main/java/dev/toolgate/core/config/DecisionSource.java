package dev.toolgate.core.config;

import java.util.Locale;

/**
 * Where the decision API ({@code /decisions}) reads the call it judges. Exactly one source per
 * deployment: a proxy in front of it describes the call one way, and any other description in the
 * same request is refused rather than preferred (the client may have written it).
 *
 * @param kind {@link Kind#HEADERS} (nginx {@code auth_request}) or {@link Kind#PATH} (Envoy ext_authz)
 * @param uriHeader the header holding the original request target, path and query (lower case;
 *     {@code HEADERS} only, else null)
 * @param methodHeader the header holding the original method (lower case; {@code HEADERS} only, else null)
 */
public record DecisionSource(Kind kind, String uriHeader, String methodHeader) {
  public static final String DEFAULT_URI_HEADER = "x-original-uri";
  public static final String DEFAULT_METHOD_HEADER = "x-original-method";

  public enum Kind {
    /** Two headers the proxy sets: nginx's auth_request subrequest is always a GET of its own URI. */
    HEADERS,
    /** The decision request's own method and its path below {@code /decisions}: Envoy ext_authz HTTP service. */
    PATH
  }

  public DecisionSource {
    if (kind == Kind.HEADERS) {
      uriHeader = uriHeader.toLowerCase(Locale.ROOT);
      methodHeader = methodHeader.toLowerCase(Locale.ROOT);
    } else {
      uriHeader = null;
      methodHeader = null;
    }
  }

  /** {@code X-Original-URI} and {@code X-Original-Method}, as the shipped nginx example sets them. */
  public static DecisionSource defaults() {
    return new DecisionSource(Kind.HEADERS, DEFAULT_URI_HEADER, DEFAULT_METHOD_HEADER);
  }

  public static DecisionSource path() {
    return new DecisionSource(Kind.PATH, null, null);
  }
}
