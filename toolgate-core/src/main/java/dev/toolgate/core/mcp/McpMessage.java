package dev.toolgate.core.mcp;

import java.util.Map;

/**
 * One JSON-RPC message of an MCP POST, as far as judging it needs: its method and the one name it acts on.
 *
 * @param method the JSON-RPC method; null for a response (a client answering a server's request)
 * @param name what the method acts on, from {@code params}: a tool or prompt name, a resource URI, a
 *     task id ({@link #NAME_SOURCES}); null when the method has none or the body gives none
 * @param index the message's place in a batch (0 for a single message)
 * @param id the message's JSON-RPC id (a String or a Number), for Toolgate's own error answers; null when it has none
 */
public record McpMessage(String method, String name, int index, Object id) {
  /**
   * The {@code params} member the {@code Mcp-Name} header mirrors, per method (MCP 2026-07-28,
   * standard request headers; {@code tasks/*} from the tasks binding).
   */
  public static final Map<String, String> NAME_SOURCES = Map.of(
      "tools/call", "name",
      "prompts/get", "name",
      "resources/read", "uri",
      "tasks/get", "taskId",
      "tasks/update", "taskId",
      "tasks/cancel", "taskId");

  public static final String TOOLS_CALL = "tools/call";

  public boolean isToolCall() {
    return TOOLS_CALL.equals(method);
  }

  /** For traces and the audit: {@code tools/call refund_order}, {@code tools/list}, {@code (response)}. */
  public String describe() {
    if (method == null) {
      return "(response)";
    }
    return name == null ? method : method + " " + name;
  }
}
