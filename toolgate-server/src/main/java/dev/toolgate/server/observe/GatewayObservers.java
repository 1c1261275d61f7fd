package dev.toolgate.server.observe;

/** What the HTTP verticles report to: completed calls, and the connections of the main port. */
public record GatewayObservers(CallObservers calls, OpenConnections connections) {
  public static final GatewayObservers NONE = new GatewayObservers(CallObservers.NONE, new OpenConnections());
}
