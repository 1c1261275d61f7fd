package dev.toolgate.server.http;

import dev.toolgate.core.route.Route;
import io.vertx.core.MultiMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A {@code Connection} header names headers that end at this hop (RFC 9110 §7.6.1), so Toolgate
 * does not forward them. One naming a header a check of the tool read ({@code Content-Type} of a
 * body read as JSON, a credential, an identity, {@code Host}) would make the upstream read another
 * request than the one judged, so such a call is refused. Which headers a tool's checks read is
 * worked out once per route.
 */
final class ConnectionHeader {
  private final Map<Route, Set<String>> readByRoute = new HashMap<>();

  ConnectionHeader(List<Route> routes) {
    for (Route route : routes) {
      readByRoute.put(route, route.headersRead().stream().map(Forwarding::normalize).collect(Collectors.toUnmodifiableSet()));
    }
  }

  /** The first header the call's {@code Connection} lists that a check of {@code route} reads (normalized); null when none. */
  String listsHeaderRead(MultiMap in, Route route) {
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
}
