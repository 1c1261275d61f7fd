package dev.toolgate.core.route;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.config.ToolConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Finds the tool for a method and path. Config validation guarantees at most one route matches. */
public final class RouteTable {
  /** The outcome of a lookup: a match, a path that exists under other methods, or nothing. */
  public sealed interface Lookup permits Found, WrongMethod, NotFound {}
  public record Found(RouteMatch match) implements Lookup {}
  public record WrongMethod(List<String> allowed) implements Lookup {}
  public record NotFound() implements Lookup {}

  private final List<Route> routes;

  public RouteTable(List<Route> routes) {
    this.routes = List.copyOf(routes);
  }

  public static RouteTable from(GatewayConfig config) {
    List<Route> routes = new ArrayList<>();
    for (ToolConfig tool : config.tools()) {
      PlatformConfig platform = tool.platform() == null
          ? PlatformConfig.withDefaults("default")
          : config.platforms().getOrDefault(tool.platform(), PlatformConfig.withDefaults(tool.platform()));
      routes.add(new Route(tool, PathPattern.parse(tool.path()), platform));
    }
    return new RouteTable(routes);
  }

  public Lookup lookup(String method, RequestPath path) {
    List<String> otherMethods = null;
    for (Route route : routes) {
      Map<String, String> params = route.pattern().match(path.segments());
      if (params == null) {
        continue;
      }
      if (route.acceptsMethod(method)) {
        return new Found(new RouteMatch(route, params));
      }
      if (otherMethods == null) {
        otherMethods = new ArrayList<>();
      }
      otherMethods.add(route.tool().method());
    }
    return otherMethods == null ? new NotFound() : new WrongMethod(List.copyOf(otherMethods));
  }

  public List<Route> routes() {
    return routes;
  }
}
