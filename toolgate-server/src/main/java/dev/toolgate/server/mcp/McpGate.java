package dev.toolgate.server.mcp;

import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.mcp.McpHeaders;
import dev.toolgate.core.mcp.McpRoute;
import dev.toolgate.core.request.QueryString;
import dev.toolgate.core.route.Route;
import io.vertx.core.MultiMap;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The MCP routes of one running configuration, and the checks an MCP call passes before its body is
 * read: the method (POST for messages, GET for the server's stream, DELETE to end a session), no
 * access token in the query string (MCP authorization forbids it: URLs end up in logs), and the
 * {@code Origin} of a browser (DNS-rebinding protection: a page on another site must not reach an
 * MCP server through the user's browser).
 */
public final class McpGate {
  public static final List<String> METHODS = List.of("POST", "GET", "DELETE");
  /** The MCP headers Toolgate checks or replaces: never to arrive under another spelling. */
  private static final Set<String> SPELLED_WITH_DASHES = Set.of(McpSessions.HEADER, McpHeaders.METHOD, McpHeaders.NAME,
      McpHeaders.PROTOCOL_VERSION);

  private final Map<String, McpRoute> routes = new HashMap<>();
  private final Map<String, Set<String>> origins = new HashMap<>();
  private final McpSessions sessions;

  public McpGate(List<Route> all, McpSessions sessions) {
    this.sessions = sessions;
    for (Route route : all) {
      if (route.tool().isMcp()) {
        routes.put(route.name(), new McpRoute(route));
        Set<String> allowed = new HashSet<>();
        allowed.add(origin(route.tool().mcp().resource()));
        route.tool().mcp().allowedOrigins().forEach(o -> allowed.add(origin(o)));
        origins.put(route.name(), Set.copyOf(allowed));
      }
    }
  }

  /** The MCP route of {@code route}; null for a plain HTTP tool. */
  public McpRoute route(Route route) {
    return route.tool().isMcp() ? routes.get(route.name()) : null;
  }

  public McpSessions sessions() {
    return sessions;
  }

  public boolean any() {
    return !routes.isEmpty();
  }

  /** The request's {@code Origin} as sent when it is one this route serves (CORS answers name it); null when absent or not allowed. */
  public String allowedOrigin(McpRoute route, MultiMap headers) {
    List<String> sent = headers.getAll("origin");
    if (sent.size() != 1) {
      return null;
    }
    String origin = origin(sent.get(0));
    boolean allowed = origin != null && (origins.get(route.base().name()).contains(origin) || bothLoopback(origin, route.settings().resource()));
    return allowed ? sent.get(0).strip() : null;
  }

  /** Why the call is refused before its body is read; null when it may go on. */
  public Decision beforeBody(McpRoute route, String method, String query, MultiMap headers) {
    if (!METHODS.contains(method)) {
      return Decision.refuse(DenialCode.METHOD_NOT_ALLOWED, method + " is not accepted by an MCP server; allowed: " + String.join(", ", METHODS));
    }
    if (query != null && !QueryString.values(query, "access_token").isEmpty()) {
      return Decision.refuse(DenialCode.TOKEN_IN_QUERY, "an access token must be sent in the Authorization header, never in the query string");
    }
    for (String name : headers.names()) {
      if (name.indexOf('_') >= 0 && SPELLED_WITH_DASHES.contains(name.toLowerCase(Locale.ROOT).replace('_', '-'))) {
        // CGI, WSGI and PHP servers read Mcp_Session_Id as Mcp-Session-Id: one Toolgate neither checks nor replaces.
        return Decision.refuse(DenialCode.MCP_HEADER_MISMATCH, "an MCP header is spelled with '_' instead of '-'");
      }
    }
    if (!headers.contains("origin")) {
      return null; // not a browser (or a same-origin GET): nothing to check
    }
    if (allowedOrigin(route, headers) == null) {
      return Decision.refuse(DenialCode.MCP_ORIGIN_NOT_ALLOWED, "the request's Origin is not allowed to call this MCP server"
          + " (allowed: the server's own origin and mcp.allowed_origins)");
    }
    return null;
  }

  /**
   * Whether a loopback origin calls a route served on loopback. A local server is reached as
   * localhost, 127.0.0.1 or [::1] alike, from local pages on any port (an MCP inspector, an IDE), as
   * the MCP SDK's own localhost protection allows; none of these is a name an attacker's page can
   * have (DNS rebinding needs the attacker's own host name).
   */
  private static boolean bothLoopback(String origin, String resource) {
    return isLoopback(URI.create(origin).getHost()) && isLoopback(URI.create(resource).getHost());
  }

  private static boolean isLoopback(String host) {
    return host != null && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]"));
  }

  /** {@code scheme://host[:port]} in lower case, the default port left out; null when {@code text} is not an http(s) origin. */
  static String origin(String text) {
    try {
      URI uri = new URI(text.strip());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null) {
        return null;
      }
      int port = uri.getPort();
      boolean defaultPort = port == -1 || scheme.equals("http") && port == 80 || scheme.equals("https") && port == 443;
      return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
