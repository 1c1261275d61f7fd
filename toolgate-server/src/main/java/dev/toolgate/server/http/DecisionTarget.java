package dev.toolgate.server.http;

import dev.toolgate.core.config.DecisionSource;
import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.decision.DenialCode;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The call a proxy asks the decision API about, read from the one source this deployment
 * configured ({@code server.decisions}): two headers the proxy sets (nginx {@code auth_request}),
 * or the decision request's own method and its path below {@code /decisions} (Envoy ext_authz HTTP
 * service with {@code path_prefix: /decisions}).
 *
 * <p>A proxy passes the client's own headers along, so any other description of the call in the
 * same request may come from the client: it is refused, never preferred and never ignored. Method
 * and path override headers ({@code X-HTTP-Method-Override}, {@code X-Original-URL}, ...) are judged
 * per tool like on the proxy path ({@link UnforwardableHeaders}: refused unless the tool lists them
 * in {@code forward_headers}), since the upstream behind the asking proxy receives them.
 */
record DecisionTarget(String method, String path, String query) {
  static final String PREFIX = "/decisions";
  /** Headers proxies use to tell a decision service which call a request is. */
  static final Set<String> DESCRIBING_HEADERS = Set.of(
      "x-original-uri", "x-forwarded-uri", "x-envoy-original-path", "x-original-method", "x-forwarded-method");
  private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");

  /** The call to judge, or the refusal (400) of a request that does not describe exactly one. */
  record Reading(DecisionTarget target, Decision refusal) {
    static Reading refused(DenialCode code, String detail) {
      return new Reading(null, Decision.refuse(code, detail));
    }
  }

  static Reading read(HttpServerRequest req, DecisionSource source) {
    Set<String> own = source.kind() == DecisionSource.Kind.HEADERS ? Set.of(source.uriHeader(), source.methodHeader()) : Set.of();
    Map<String, Integer> counts = new HashMap<>();
    Set<String> describing = new HashSet<>(DESCRIBING_HEADERS);
    describing.addAll(own);
    for (Map.Entry<String, String> header : req.headers()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      String folded = Forwarding.normalize(name); // X_Forwarded_Uri means X-Forwarded-Uri to some upstream stacks
      if (!describing.contains(folded)) {
        continue;
      }
      if (!own.contains(name)) {
        return Reading.refused(DenialCode.DECISION_TARGET_AMBIGUOUS, header.getKey() + " describes the call too, but " + whereFrom(source)
            + " (server.decisions): the proxy in front must clear " + header.getKey());
      }
      if (counts.merge(name, 1, Integer::sum) > 1) {
        return Reading.refused(DenialCode.DECISION_TARGET_AMBIGUOUS, header.getKey() + " is sent more than once");
      }
    }
    return source.kind() == DecisionSource.Kind.HEADERS ? fromHeaders(req, source) : fromPath(req);
  }

  private static Reading fromHeaders(HttpServerRequest req, DecisionSource source) {
    if (!req.uri().equals(PREFIX)) {
      return Reading.refused(DenialCode.DECISION_TARGET_AMBIGUOUS, whereFrom(source)
          + "; the decision request itself must be " + PREFIX + " with no path below it and no query (server.decisions)");
    }
    String uri = req.getHeader(source.uriHeader());
    String method = req.getHeader(source.methodHeader());
    if (uri == null || method == null) {
      return Reading.refused(DenialCode.DECISION_TARGET_INVALID, (uri == null ? source.uriHeader() : source.methodHeader())
          + " is missing: " + whereFrom(source) + " (server.decisions)");
    }
    method = method.strip();
    if (!METHOD.matcher(method).matches()) {
      return Reading.refused(DenialCode.DECISION_TARGET_INVALID, source.methodHeader() + " is not an HTTP method (upper-case letters)");
    }
    return target(method, uri.strip(), source.uriHeader());
  }

  private static Reading fromPath(HttpServerRequest req) {
    String own = req.uri();
    if (!own.startsWith(PREFIX + "/")) {
      return Reading.refused(DenialCode.DECISION_TARGET_INVALID, "the call to judge is not described: its path must follow "
          + PREFIX + " (server.decisions.source is path, as Envoy ext_authz sends it with path_prefix " + PREFIX + ")");
    }
    return target(req.method().name(), own.substring(PREFIX.length()), "the path below " + PREFIX);
  }

  private static Reading target(String method, String uri, String where) {
    if (!uri.startsWith("/")) {
      return Reading.refused(DenialCode.DECISION_TARGET_INVALID, where + " must hold an origin-form target, a path starting with '/'");
    }
    int q = uri.indexOf('?');
    DecisionTarget target = q < 0 ? new DecisionTarget(method, uri, null) : new DecisionTarget(method, uri.substring(0, q), uri.substring(q + 1));
    return new Reading(target, null);
  }

  private static String whereFrom(DecisionSource source) {
    return source.kind() == DecisionSource.Kind.HEADERS
        ? "this deployment reads the call from " + source.uriHeader() + " and " + source.methodHeader() + " only"
        : "this deployment reads the call from the path below " + PREFIX + " and the request's own method only";
  }
}
