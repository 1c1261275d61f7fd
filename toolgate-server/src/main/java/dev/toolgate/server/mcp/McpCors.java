package dev.toolgate.server.mcp;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * CORS for MCP routes, so that a browser-based MCP client on an allowed origin
 * ({@code mcp.allowed_origins}, or a local page for a local route) can call the server and read the
 * answers it needs: the session id, the {@code WWW-Authenticate} challenge that starts its
 * authorization, the request id and the rate-limit headers. Other origins get no CORS headers (and
 * are refused anyway). The MCP server's own CORS headers are replaced by these: Toolgate decides.
 */
public final class McpCors {
  private static final Set<String> REQUEST_HEADERS = Set.of("authorization", "content-type", "accept", "last-event-id",
      "mcp-protocol-version", "mcp-session-id", "mcp-method", "mcp-name");
  private static final String EXPOSED = "mcp-session-id, mcp-protocol-version, www-authenticate, x-request-id, retry-after, "
      + "ratelimit-limit, ratelimit-remaining, ratelimit-reset";

  private McpCors() {}

  /** Whether the request is a CORS preflight (an OPTIONS asking which method it may send). */
  public static boolean isPreflight(String method, MultiMap headers) {
    return method.equals("OPTIONS") && headers.contains("access-control-request-method");
  }

  /** The CORS headers of an answer to {@code origin} (an allowed one): set, replacing any the MCP server sent. */
  public static void allow(MultiMap headers, String origin) {
    List<String> theirs = new ArrayList<>();
    headers.names().forEach(n -> {
      if (n.toLowerCase(Locale.ROOT).startsWith("access-control-")) {
        theirs.add(n);
      }
    });
    theirs.forEach(headers::remove);
    headers.set("access-control-allow-origin", origin);
    headers.set("access-control-expose-headers", EXPOSED);
    if (headers.getAll("vary").stream().noneMatch(v -> v.toLowerCase(Locale.ROOT).contains("origin"))) {
      headers.add("vary", "origin");
    }
  }

  /** Answers a preflight from an allowed origin: the methods of an MCP server, and the request headers it may send among those asked. */
  public static void answerPreflight(HttpServerResponse response, MultiMap request, String origin) {
    allow(response.headers(), origin);
    List<String> granted = new ArrayList<>();
    for (String value : request.getAll("access-control-request-headers")) {
      for (String name : value.split(",")) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        if (REQUEST_HEADERS.contains(n) || n.startsWith("mcp-param-")) {
          granted.add(n);
        }
      }
    }
    response.putHeader("access-control-allow-methods", String.join(", ", McpGate.METHODS));
    if (!granted.isEmpty()) {
      response.putHeader("access-control-allow-headers", String.join(", ", granted));
    }
    response.putHeader("access-control-max-age", "600").setStatusCode(204).end();
  }
}
