package dev.toolgate.core.route;

import java.util.Map;

/** A route that matched a request, with the path parameters it captured (still percent-encoded). */
public record RouteMatch(Route route, Map<String, String> pathParams) {}
