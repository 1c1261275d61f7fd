package dev.toolgate.core.request;

import dev.toolgate.core.route.RequestPath;
import java.util.Map;

/**
 * An inbound call as the engine sees it.
 *
 * @param requestId id Toolgate gave this request (audit key, echoed to caller and upstream)
 * @param body the exact raw body bytes; only present when the tool's policy needs them (signatures, fields)
 * @param remoteAddress peer IP address of the connection
 * @param json the same body bytes as JSON, parsed only if a check asks for a field
 * @param pathParams the parameters the tool's path pattern captured, still percent-encoded
 * @param clientCertificate the certificate the caller presented over TLS, checked against the tool's
 *     platform's CA; null when none was presented (or asked for: only tools requiring {@code mtls} read it)
 */
public record ToolCall(String requestId, String method, RequestPath path, String query, Headers headers, byte[] body, String remoteAddress,
    JsonBody json, Map<String, String> pathParams, ClientCertificate clientCertificate) {

  public ToolCall {
    pathParams = pathParams == null ? Map.of() : pathParams;
  }

  /** Without a client certificate. */
  public ToolCall(String requestId, String method, RequestPath path, String query, Headers headers, byte[] body, String remoteAddress,
      JsonBody json, Map<String, String> pathParams) {
    this(requestId, method, path, query, headers, body, remoteAddress, json, pathParams, null);
  }

  /** The body parsed lazily, with the certificate the caller presented over TLS (null: none). */
  public ToolCall(String requestId, String method, RequestPath path, String query, Headers headers, byte[] body, String remoteAddress,
      Map<String, String> pathParams, ClientCertificate clientCertificate) {
    this(requestId, method, path, query, headers, body, remoteAddress, new JsonBody(body), pathParams, clientCertificate);
  }

  public ToolCall(String requestId, String method, RequestPath path, String query, Headers headers, byte[] body, String remoteAddress,
      Map<String, String> pathParams) {
    this(requestId, method, path, query, headers, body, remoteAddress, new JsonBody(body), pathParams);
  }

  /** Without path parameters. */
  public ToolCall(String requestId, String method, RequestPath path, String query, Headers headers, byte[] body, String remoteAddress) {
    this(requestId, method, path, query, headers, body, remoteAddress, new JsonBody(body), Map.of());
  }
}
