package dev.toolgate.server.mcp;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * Takes the tools a caller may not call out of a {@code tools/list} answer
 * ({@code mcp.filter_tools_list}), as JSON or as Server-Sent Events. Only a JSON-RPC result holding a
 * {@code tools} array is changed; anything else passes as it came. Calling a hidden tool is refused
 * anyway: the filter spares an agent from offering its model tools that would be refused.
 */
public final class ToolsListFilter {
  /** A tools/list answer larger than this is not ours to rewrite in memory. */
  public static final int MAX_BYTES = 4 * 1024 * 1024;

  private ToolsListFilter() {}

  /** The answer without the hidden tools; {@code body} itself when there is nothing to change. */
  public static Buffer filter(Buffer body, boolean eventStream, Predicate<String> hidden) {
    if (!eventStream) {
      String rewritten = filterMessage(body.toString(StandardCharsets.UTF_8), hidden);
      return rewritten == null ? body : Buffer.buffer(rewritten);
    }
    // Events are separated by a blank line; a message event's data lines join with '\n' (WHATWG SSE).
    String text = body.toString(StandardCharsets.UTF_8).replace("\r\n", "\n").replace('\r', '\n');
    StringBuilder out = new StringBuilder(text.length());
    boolean changed = false;
    for (String event : text.split("\n\n", -1)) {
      StringBuilder data = new StringBuilder();
      StringBuilder others = new StringBuilder();
      for (String line : event.split("\n", -1)) {
        if (line.startsWith("data:")) {
          data.append(data.length() == 0 ? "" : "\n").append(line.substring(line.startsWith("data: ") ? 6 : 5));
        } else if (!line.isEmpty()) {
          others.append(line).append('\n');
        }
      }
      String rewritten = data.length() == 0 ? null : filterMessage(data.toString(), hidden);
      if (rewritten == null) {
        out.append(event);
      } else {
        changed = true;
        out.append(others).append("data: ").append(rewritten);
      }
      out.append("\n\n");
    }
    if (!changed) {
      return body;
    }
    out.setLength(out.length() - 2); // the split's last piece had no separator after it
    return Buffer.buffer(out.toString());
  }

  /** The JSON-RPC message with its result's hidden tools removed; null when it is not such a result or nothing is hidden. */
  private static String filterMessage(String json, Predicate<String> hidden) {
    try {
      JsonObject message = new JsonObject(json);
      JsonObject result = message.getValue("result") instanceof JsonObject r ? r : null;
      JsonArray tools = result != null && result.getValue("tools") instanceof JsonArray t ? t : null;
      if (tools == null) {
        return null;
      }
      JsonArray kept = new JsonArray();
      for (Object tool : tools) {
        if (!(tool instanceof JsonObject t && t.getValue("name") instanceof String name && hidden.test(name))) {
          kept.add(tool);
        }
      }
      if (kept.size() == tools.size()) {
        return null;
      }
      result.put("tools", kept);
      return message.encode();
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }
}
