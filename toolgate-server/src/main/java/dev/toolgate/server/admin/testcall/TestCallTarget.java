package dev.toolgate.server.admin.testcall;

import dev.toolgate.core.config.ServerSettings;
import dev.toolgate.core.route.RequestPath;
import dev.toolgate.core.route.Route;
import dev.toolgate.core.route.RouteTable;
import dev.toolgate.server.http.QuerySyntax;
import dev.toolgate.server.store.NotFoundException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where a test call goes: the tool's route in the configuration in force, a method it accepts, and
 * a path that routes to that tool and no other. The request only ever goes to Toolgate's own port
 * ({@link LoopbackSender}); the path is checked here as the gateway checks it, so an absolute URL,
 * {@code //host}, dot segments or control characters are refused before anything is sent.
 */
public final class TestCallTarget {
  /** Methods a test call may use: what tools are called with. */
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  private final RouteTable routes;
  private final ServerSettings server;

  public TestCallTarget(RouteTable routes, ServerSettings server) {
    this.routes = routes;
    this.server = server;
  }

  /** The route of a tool by name, in the configuration this target was built with. */
  public Optional<Route> route(String tool) {
    return routes.routes().stream().filter(r -> r.name().equals(tool)).findFirst();
  }

  /**
   * The call without its credential: method, path, query, the caller's headers and body.
   *
   * @throws NotFoundException when the configuration in force has no such tool
   * @throws IllegalArgumentException naming the field that does not fit the tool
   */
  public OutgoingCall resolve(TestCallRequest request) {
    Route route = route(request.tool()).orElseThrow(() -> new NotFoundException("no tool named '" + request.tool() + "' in the configuration in force"));
    String method = method(request, route);
    boolean templated = !route.pattern().parameterNames().isEmpty() || route.tool().path().endsWith("**");
    if (request.path() == null && templated) {
      throw new IllegalArgumentException("path is required: tool " + route.name() + "'s path " + route.tool().path()
          + " has parameters; give it with them filled in");
    }
    String path = request.path() != null ? request.path() : route.tool().path();
    Optional<RequestPath> parsed = RequestPath.parse(path);
    if (parsed.isEmpty()) {
      throw new IllegalArgumentException("path must be a path on Toolgate starting with '/' (no scheme, host, query or fragment): "
          + RequestPath.REFUSAL);
    }
    RouteTable.Lookup lookup = routes.lookup(method, parsed.get());
    if (!(lookup instanceof RouteTable.Found found) || !found.match().route().name().equals(route.name())) {
      throw new IllegalArgumentException("path " + path + " with method " + method + " does not route to tool " + route.name());
    }
    if (request.query() != null && !QuerySyntax.isValid(request.query())) {
      throw new IllegalArgumentException("query must be an RFC 3986 query without '?' or '#' (every '%' followed by two hex digits)");
    }
    if (request.headers().size() > HeaderRules.MAX_HEADERS) {
      throw new IllegalArgumentException("headers: at most " + HeaderRules.MAX_HEADERS + " headers");
    }
    String proxyHeader = server.trustedProxies().proxies().isEmpty() ? null : server.trustedProxies().clientIpHeader();
    request.headers().forEach(h -> HeaderRules.check(h, proxyHeader));
    List<TestCallRequest.Header> headers = request.headers();
    if (request.body() != null && headers.stream().noneMatch(h -> h.name().equalsIgnoreCase("content-type"))) {
      headers = new java.util.ArrayList<>(headers);
      headers.add(new TestCallRequest.Header("content-type", "application/json"));
    }
    if (request.body() != null && (method.equals("GET") || method.equals("HEAD"))) {
      throw new IllegalArgumentException("body: a " + method + " test call carries no body");
    }
    return new OutgoingCall(route, method, path, request.query(), headers, request.body(), Set.of(), HeaderRules.secretNames(route));
  }

  private static String method(TestCallRequest request, Route route) {
    String configured = route.tool().method();
    if (request.method() == null) {
      if (configured.equals("*")) {
        throw new IllegalArgumentException("method is required: tool " + route.name() + " accepts any method");
      }
      return configured;
    }
    String method = request.method().toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw new IllegalArgumentException("method must be one of " + String.join(", ", METHODS.stream().sorted().toList()));
    }
    if (!route.acceptsMethod(method)) {
      throw new IllegalArgumentException("method: tool " + route.name() + " takes " + configured + ", not " + method);
    }
    return method;
  }
}
