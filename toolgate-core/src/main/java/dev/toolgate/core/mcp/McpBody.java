package dev.toolgate.core.mcp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.toolgate.core.text.StrictUtf8;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON-RPC messages of an MCP POST body: one message or a batch (MCP 2025-03-26), each with its
 * method and the name it acts on. Read strictly, because the MCP server reads the same bytes: a
 * member named twice, bytes that are not UTF-8 or anything that is not a JSON-RPC 2.0 message is
 * refused, so Toolgate never judges one reading of the body while the server acts on another.
 */
public final class McpBody {
  /** JSON-RPC 2.0 error codes of the answers Toolgate gives itself. */
  public static final int PARSE_ERROR = -32700;
  public static final int INVALID_REQUEST = -32600;
  /** MCP's {@code HeaderMismatch}: Mcp-Method or Mcp-Name disagrees with the body (or is malformed or missing). */
  public static final int HEADER_MISMATCH = -32020;
  /** More messages in one batch than any client sends; each one is judged, so the count is bounded. */
  public static final int MAX_BATCH = 64;

  /** The members of a JSON-RPC message, and of {@code params} those Toolgate reads (and a rule's pointers go through). */
  static final List<String> MESSAGE_MEMBERS = List.of("jsonrpc", "method", "params", "id", "result", "error");
  static final List<String> PARAMS_MEMBERS = List.of("name", "uri", "taskId", "arguments", "_meta");

  private static final JsonFactory STRICT = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
      .build();

  private McpBody() {}

  /** The messages, or why the body is refused (a JSON-RPC error code and a detail fit for the caller). */
  public sealed interface Reading permits Messages, Refused {}

  /** @param batch whether the body was a JSON array (a batch), even of one message */
  public record Messages(List<McpMessage> messages, boolean batch) implements Reading {}

  public record Refused(int jsonRpcCode, String detail) implements Reading {}

  public static Reading read(byte[] body) {
    if (body == null || body.length == 0) {
      return new Refused(INVALID_REQUEST, "the body is empty; an MCP POST carries a JSON-RPC message");
    }
    String text = StrictUtf8.decode(body);
    if (text == null) {
      return new Refused(PARSE_ERROR, "the body is not valid UTF-8");
    }
    // Parsed from the decoded text, not the bytes: from bytes Jackson guesses UTF-16 or UTF-32 from NUL
    // bytes (well-formed UTF-8) and would judge a reading a UTF-8 server never makes.
    try (JsonParser in = STRICT.createParser(text)) {
      JsonToken first = in.nextToken();
      List<McpMessage> messages = new ArrayList<>(1);
      boolean batch = first == JsonToken.START_ARRAY;
      if (first == JsonToken.START_OBJECT) {
        Object one = message(in, 0);
        if (one instanceof Refused r) {
          return r;
        }
        messages.add((McpMessage) one);
      } else if (batch) {
        JsonToken token;
        while ((token = in.nextToken()) != JsonToken.END_ARRAY) {
          if (token != JsonToken.START_OBJECT) {
            return new Refused(INVALID_REQUEST, "batch element " + messages.size() + " is not a JSON-RPC message (an object)");
          }
          if (messages.size() == MAX_BATCH) {
            return new Refused(INVALID_REQUEST, "a batch may hold at most " + MAX_BATCH + " messages");
          }
          Object next = message(in, messages.size());
          if (next instanceof Refused r) {
            return r;
          }
          messages.add((McpMessage) next);
        }
        if (messages.isEmpty()) {
          return new Refused(INVALID_REQUEST, "the batch is empty");
        }
      } else {
        return new Refused(INVALID_REQUEST, "the body is not a JSON-RPC message (an object) or batch (an array)");
      }
      if (in.nextToken() != null) {
        return new Refused(PARSE_ERROR, "the body has more after its JSON value");
      }
      return new Messages(List.copyOf(messages), batch);
    } catch (IOException | RuntimeException e) {
      // Jackson's message quotes the input: say only what kind of problem it is.
      String what = e.getMessage() != null && e.getMessage().startsWith("Duplicate field") ? "a member is named twice in one object"
          : "the body is not valid JSON";
      return new Refused(PARSE_ERROR, what);
    }
  }

  /** One message object, the parser on its START_OBJECT: a {@link McpMessage} or a {@link Refused}. */
  private static Object message(JsonParser in, int index) throws IOException {
    String where = index == 0 ? "the message" : "batch element " + index;
    String jsonrpc = null;
    String method = null;
    boolean methodWritten = false;
    Map<String, String> names = new HashMap<>(2);
    boolean paramsObject = true;
    Object id = null;
    while (in.nextToken() == JsonToken.FIELD_NAME) {
      String field = in.currentName();
      JsonToken value = in.nextToken();
      if (confusable(field, MESSAGE_MEMBERS)) {
        return new Refused(INVALID_REQUEST, where + " has a member some servers read as one of " + MESSAGE_MEMBERS);
      }
      switch (field) {
        case "jsonrpc" -> {
          jsonrpc = value == JsonToken.VALUE_STRING ? in.getText() : "";
          in.skipChildren(); // an object or array is skipped whole, never read as members of the message
        }
        case "method" -> {
          methodWritten = true;
          method = value == JsonToken.VALUE_STRING ? in.getText() : null;
          in.skipChildren();
        }
        case "params" -> {
          if (value == JsonToken.START_OBJECT) {
            if (!readNames(in, names)) {
              return new Refused(INVALID_REQUEST, where + " has a member of params some servers read as one of " + PARAMS_MEMBERS);
            }
          } else {
            paramsObject = value == JsonToken.VALUE_NULL;
            in.skipChildren();
          }
        }
        case "id" -> {
          if (value == JsonToken.VALUE_STRING) {
            id = in.getText();
          } else if (value == JsonToken.VALUE_NUMBER_INT) {
            id = in.getNumberValue();
          } else {
            in.skipChildren();
          }
        }
        default -> in.skipChildren();
      }
    }
    if (!"2.0".equals(jsonrpc)) {
      return new Refused(INVALID_REQUEST, where + " is not JSON-RPC 2.0 (\"jsonrpc\": \"2.0\" is missing)");
    }
    if (methodWritten && (method == null || method.isEmpty())) {
      return new Refused(INVALID_REQUEST, where + " has a method that is not a non-empty string");
    }
    if (!paramsObject) {
      return new Refused(INVALID_REQUEST, where + " has params that are not an object");
    }
    String source = method == null ? null : McpMessage.NAME_SOURCES.get(method);
    String name = source == null ? null : names.get(source);
    if (McpMessage.TOOLS_CALL.equals(method) && name == null) {
      return new Refused(INVALID_REQUEST, where + " is a tools/call without a string params.name");
    }
    return new McpMessage(method, name, index, id);
  }

  /**
   * The string members of {@code params} a name may come from; the parser on params' START_OBJECT,
   * left on its END_OBJECT. False when a member would be read as one of them by a lenient server.
   */
  private static boolean readNames(JsonParser in, Map<String, String> names) throws IOException {
    while (in.nextToken() == JsonToken.FIELD_NAME) {
      String field = in.currentName();
      JsonToken value = in.nextToken();
      if (confusable(field, PARAMS_MEMBERS)) {
        return false;
      }
      if (value == JsonToken.VALUE_STRING && (field.equals("name") || field.equals("uri") || field.equals("taskId"))) {
        names.put(field, in.getText());
      } else {
        in.skipChildren();
      }
    }
    return true;
  }

  /**
   * Whether {@code field} is not one of {@code members} but a server could read it as one: Go's
   * encoding/json matches names ignoring case and folds ſ to s and K (Kelvin) to k, the last
   * match winning (GHSA-wvj2-96wp-fq3f); segmentio/encoding read "name" followed by U+0000 as
   * {@code name} (GHSA-q382-vc8q-7jhj). Java's equalsIgnoreCase folds the same characters.
   */
  static boolean confusable(String field, List<String> members) {
    if (members.contains(field)) {
      return false;
    }
    StringBuilder folded = new StringBuilder(field.length());
    field.chars().filter(c -> !Character.isISOControl(c)).forEach(c -> folded.append((char) c));
    for (String member : members) {
      if (folded.toString().equalsIgnoreCase(member)) {
        return true;
      }
    }
    return false;
  }
}
