package dev.toolgate.server.tracing;

import io.opentelemetry.api.common.AttributeKey;
import java.util.Set;

/** The span attributes Toolgate writes: OpenTelemetry HTTP semantic conventions, and its own under {@code toolgate.}. */
final class SpanAttributes {
  static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
  static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("toolgate.request_id");
  static final AttributeKey<String> TOOL = AttributeKey.stringKey("toolgate.tool");
  static final AttributeKey<String> TOOL_ROUTE = AttributeKey.stringKey("toolgate.tool.route");
  static final AttributeKey<String> DECISION = AttributeKey.stringKey("toolgate.decision");
  static final AttributeKey<String> CODE = AttributeKey.stringKey("toolgate.code");
  static final AttributeKey<String> CLIENT_ID = AttributeKey.stringKey("toolgate.client_id");

  /** RFC 9110's methods and PATCH; any other is {@code _OTHER}, so a caller cannot invent span names. */
  private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  private SpanAttributes() {}

  static String method(String method) {
    return KNOWN_METHODS.contains(method) ? method : "_OTHER";
  }
}
