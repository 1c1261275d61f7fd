package dev.toolgate.server.http;

import dev.toolgate.core.config.OverrideHeaders;
import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.route.Route;
import io.vertx.core.MultiMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Headers with which a call cannot be forwarded as it was judged, refused before anything is read:
 * <ul>
 *   <li>a {@code Connection} naming a header a check of the tool read ({@code Content-Type} of a body
 *       read as JSON, a credential, an identity, {@code Host}): Connection-listed headers end at this
 *       hop (RFC 9110 §7.6.1), so forwarding would remove it and the upstream would read another
 *       request. Which headers a tool's checks read is worked out once per route;
 *   <li>in decision mode, a method or path override header the tool does not list in
 *       {@code forward_headers}: forwarding drops it, but there the proxy forwards the original request.
 * </ul>
 */
final class UnforwardableHeaders {
  private final Map<Route, Set<String>> readByRoute = new HashMap<>();

  UnforwardableHeaders(List<Route> routes) {
    for (Route route : routes) {
      readByRoute.put(route, route.headersRead().stream().map(Forwarding::normalize).collect(Collectors.toUnmodifiableSet()));
    }
  }

  /** Why the call cannot be forwarded as judged; null when it can. */
  Decision refusal(MultiMap in, Route route, boolean decisionMode) {
    String read = connectionListsHeaderRead(in, route);
    if (read != null) {
      return Decision.refuse(DenialCode.CONNECTION_LISTS_CHECKED_HEADER, "Connection lists " + read + ", which the checks of tool "
          + route.name() + " read: forwarding would remove it, so the upstream would see another request");
    }
    String override = decisionMode ? overrideNotAllowed(in, route) : null;
    if (override != null) {
      return Decision.refuse(DenialCode.OVERRIDE_HEADER_NOT_ALLOWED, override + " would make the upstream run another method or path;"
          + " tool " + route.name() + " does not list it in forward_headers");
    }
    return null;
  }

  /** The first header the call's {@code Connection} lists that a check of {@code route} reads (normalized); null when none. */
  private String connectionListsHeaderRead(MultiMap in, Route route) {
    Set<String> read = readByRoute.get(route);
    for (String value : in.getAll("connection")) {
      for (String token : value.split(",")) {
        String name = Forwarding.normalize(token.strip());
        if (read.contains(name)) {
          return name;
        }
      }
    }
    return null;
  }

  /** The first override header (normalized) the call carries that the route does not let through; null when none. */
  private static String overrideNotAllowed(MultiMap in, Route route) {
    for (String name : in.names()) {
      String n = Forwarding.normalize(name);
      if (OverrideHeaders.NAMES.contains(n) && !route.tool().forwardHeaders().contains(n)) {
        return n;
      }
    }
    return null;
  }
}
