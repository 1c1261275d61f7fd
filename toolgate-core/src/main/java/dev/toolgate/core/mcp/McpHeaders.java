package dev.toolgate.core.mcp;

import dev.toolgate.core.request.Headers;
import dev.toolgate.core.text.StrictUtf8;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The MCP 2026-07-28 standard request headers checked against the body: {@code Mcp-Method} must be
 * every message's method and {@code Mcp-Name} every message's name ({@code =?base64?…?=} decoded),
 * and a request of that revision must send them. Toolgate judges by the body; a header that says
 * something else is refused (HTTP 400, JSON-RPC -32020), because an intermediary or server routing
 * by the header would act on another call than the one judged.
 */
public final class McpHeaders {
  public static final String METHOD = "mcp-method";
  public static final String NAME = "mcp-name";
  public static final String PROTOCOL_VERSION = "mcp-protocol-version";
  /** The first revision whose requests carry Mcp-Method and Mcp-Name. */
  public static final String FIRST_WITH_STANDARD_HEADERS = "2026-07-28";

  private static final String SENTINEL_PREFIX = "=?base64?";
  private static final String SENTINEL_SUFFIX = "?=";
  private static final Pattern CANONICAL_BASE64 = Pattern.compile("(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?");
  private static final Pattern VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

  private McpHeaders() {}

  /** Null when the headers agree with the messages; otherwise what disagrees (no header value is echoed beyond its name). */
  public static String mismatch(Headers headers, List<McpMessage> messages) {
    List<String> methods = headers.all(METHOD);
    List<String> names = headers.all(NAME);
    List<String> versions = headers.all(PROTOCOL_VERSION);
    if (methods.size() > 1 || names.size() > 1 || versions.size() > 1) {
      return "Mcp-Method, Mcp-Name and MCP-Protocol-Version may each be sent once";
    }
    // A version Toolgate does not know is the MCP server's to refuse (with the versions it supports).
    String version = versions.isEmpty() ? null : versions.get(0).strip();
    String method = methods.isEmpty() ? null : methods.get(0).strip();
    String name = null;
    if (!names.isEmpty()) {
      name = decode(names.get(0).strip());
      if (name == null) {
        return "Mcp-Name carries an invalid =?base64?…?= value";
      }
    }
    boolean standardHeaders = version != null && VERSION.matcher(version).matches() && version.compareTo(FIRST_WITH_STANDARD_HEADERS) >= 0;
    for (McpMessage message : messages) {
      String where = messages.size() == 1 ? "the body" : "batch element " + message.index();
      if (method != null && !method.equals(message.method())) {
        return "Mcp-Method does not name the method of " + where + (message.method() == null ? " (a response)" : " (" + message.method() + ")");
      }
      if (name != null && !name.equals(message.name())) {
        return "Mcp-Name does not name what " + where + " acts on" + (message.name() == null ? " (it names nothing)" : "");
      }
      if (standardHeaders && message.method() != null && !message.method().startsWith("notifications/")) {
        if (method == null) {
          return "a " + version + " request must send Mcp-Method";
        }
        if (message.name() != null && name == null) {
          return "a " + version + " " + message.method() + " request must send Mcp-Name";
        }
      }
    }
    return null;
  }

  /** The header's value, the sentinel form decoded (strict base64 of strict UTF-8); null when that form is broken. */
  static String decode(String value) {
    if (!(value.startsWith(SENTINEL_PREFIX) && value.endsWith(SENTINEL_SUFFIX) && value.length() >= SENTINEL_PREFIX.length() + SENTINEL_SUFFIX.length())) {
      return value;
    }
    String b64 = value.substring(SENTINEL_PREFIX.length(), value.length() - SENTINEL_SUFFIX.length());
    if (!CANONICAL_BASE64.matcher(b64).matches()) {
      return null;
    }
    return StrictUtf8.decode(Base64.getDecoder().decode(b64));
  }
}
