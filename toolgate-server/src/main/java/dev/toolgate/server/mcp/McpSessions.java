package dev.toolgate.server.mcp;

import dev.toolgate.server.store.SealedState;
import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code Mcp-Session-Id} sessions (MCP 2025-11-25), bound to whoever opened them. The client never
 * sees the upstream's session id: it gets that id sealed under the master key together with the
 * route, client and user (as the call's credentials name them) of the call that opened it, and every later request must come from the
 * same route, client and user, or the session does not exist for it (404, as for an unknown id).
 * Nothing is stored, so every instance of a cluster opens any session, and a guessed or stolen id is
 * useless to anyone else.
 */
public final class McpSessions {
  public static final String HEADER = "mcp-session-id";
  private static final String PURPOSE = "mcp-session";

  private final SealedState sealed;

  public McpSessions(SealedState sealed) {
    this.sealed = sealed;
  }

  /** The session id the client gets for the upstream's {@code upstreamId}. */
  public String seal(String upstreamId, String route, String clientId, String userId) {
    JsonObject binding = new JsonObject().put("s", upstreamId).put("r", route).put("c", clientId).put("u", userId);
    return sealed.seal(PURPOSE, binding);
  }

  /** The upstream's session id when {@code clientValue} is a session this route, client and user opened; empty otherwise. */
  public Optional<String> open(String clientValue, String route, String clientId, String userId) {
    return sealed.open(PURPOSE, clientValue)
        .filter(b -> route.equals(b.getValue("r")) && Objects.equals(clientId, b.getValue("c")) && Objects.equals(userId, b.getValue("u")))
        .map(b -> b.getValue("s"))
        .filter(String.class::isInstance)
        .map(String.class::cast);
  }
}
