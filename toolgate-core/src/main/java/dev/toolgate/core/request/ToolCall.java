package dev.toolgate.core.request;

import dev.toolgate.core.route.RequestPath;

/**
 * An inbound call as the engine sees it.
 *
 * @param requestId id Toolgate gave this request (audit key, echoed to caller and upstream)
 * @param body the exact raw body bytes; only present when the tool's policy needs them (signatures)
 * @param remoteAddress peer IP address of the connection
 * @param json the same body bytes as JSON, parsed only if a check asks for a field
 */
public record ToolCall(String requestId, String method, RequestPath path, String query, Headers headers, byte[] body, String remoteAddress, JsonBody json) {

  public ToolCall(String requestId, String method, RequestPath path, String query, Headers headers, byte[] body, String remoteAddress) {
    this(requestId, method, path, query, headers, body, remoteAddress, new JsonBody(body));
  }
}
