package dev.toolgate.server.demo;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;

/**
 * The JSON-RPC side of the sample MCP server, for both eras of the protocol: the 2025 revisions,
 * negotiated by {@code initialize}, and 2026-07-28, where there is no handshake and every request
 * names its revision in {@code params._meta["io.modelcontextprotocol/protocolVersion"]} (a client
 * may first call {@code server/discover}). Results of a 2026 request carry {@code resultType} and,
 * on lists, the cache fields {@code ttlMs}/{@code cacheScope} that revision requires.
 */
final class SampleMcpProtocol {
  static final String MODERN = "2026-07-28";
  static final List<String> LEGACY = List.of("2025-11-25", "2025-06-18", "2025-03-26");
  static final String VERSION_META = "io.modelcontextprotocol/protocolVersion";
  private static final String SERVER_INFO_META = "io.modelcontextprotocol/serverInfo";

  static final int PARSE_ERROR = -32700;
  static final int INVALID_REQUEST = -32600;
  static final int METHOD_NOT_FOUND = -32601;
  static final int INVALID_PARAMS = -32602;
  static final int INTERNAL_ERROR = -32603;
  /** The SDKs' "Session not found" and "Method not allowed" code. */
  static final int SERVER_ERROR = -32000;
  static final int SESSION_NOT_FOUND = -32001;
  /** 2026-07-28: an {@code MCP-Protocol-Version}, {@code Mcp-Method} or {@code Mcp-Name} header disagrees with the body. */
  static final int HEADER_MISMATCH = -32020;
  static final int UNSUPPORTED_VERSION = -32022;

  private static final JsonObject SERVER_INFO = new JsonObject().put("name", "toolgate-sample-shop").put("title", "Toolgate sample shop")
      .put("version", "1.0.0");
  private static final String INSTRUCTIONS = "Sample shop tools behind Toolgate: look up, refund and track orders.";

  /** What one JSON-RPC message is. */
  enum Kind { REQUEST, NOTIFICATION, RESPONSE, INVALID }

  /** The answer to one request: the JSON-RPC response, and progress steps a streamed answer reports first. */
  record Reply(JsonObject response, List<String> progress) {
    boolean succeeded() {
      return response.containsKey("result");
    }
  }

  /** A request refused before it is dispatched: the HTTP status and the JSON-RPC error response. */
  record Refusal(int status, JsonObject response) {}

  private SampleMcpProtocol() {}

  static Kind kind(Object message) {
    if (!(message instanceof JsonObject m) || !"2.0".equals(m.getValue("jsonrpc"))) {
      return Kind.INVALID;
    }
    if (m.containsKey("method")) {
      Object params = m.getValue("params");
      if (!(m.getValue("method") instanceof String) || !(params == null || params instanceof JsonObject)) {
        return Kind.INVALID;
      }
      if (!m.containsKey("id")) {
        return Kind.NOTIFICATION;
      }
      return validId(m) != null ? Kind.REQUEST : Kind.INVALID;
    }
    boolean answered = m.containsKey("result") != m.containsKey("error");
    return answered && m.containsKey("id") ? Kind.RESPONSE : Kind.INVALID;
  }

  /** The message's id when it is one MCP allows (a string or a number), else null. */
  static Object validId(Object message) {
    Object id = message instanceof JsonObject m ? m.getValue("id") : null;
    return id instanceof String || id instanceof Number ? id : null;
  }

  /** Whether the message names a protocol revision in its {@code _meta}: then it is a 2026-07-28 era message. */
  static boolean claimsRevision(JsonObject message) {
    JsonObject meta = meta(message);
    return meta != null && meta.containsKey(VERSION_META);
  }

  /** The progress token the request asked progress for, or null. */
  static Object progressToken(JsonObject request) {
    JsonObject meta = meta(request);
    Object token = meta == null ? null : meta.getValue("progressToken");
    return token instanceof String || token instanceof Number ? token : null;
  }

  /**
   * Checks a 2025-era message against the {@code MCP-Protocol-Version} header the client sends after
   * {@code initialize}: it must name a revision this server answers, and not 2026-07-28 without the
   * per-request envelope that revision requires.
   */
  static Refusal checkLegacy(MultiMap headers) {
    String header = header(headers, "mcp-protocol-version");
    if (header == null || LEGACY.contains(header)) {
      return null;
    }
    if (header.equals(MODERN)) {
      return new Refusal(400, error(null, INVALID_PARAMS, "MCP-Protocol-Version names " + MODERN
          + " but the request has no params._meta[\"" + VERSION_META + "\"]", null));
    }
    return new Refusal(400, error(null, INVALID_REQUEST, "Unsupported MCP-Protocol-Version: " + header,
        new JsonObject().put("supported", new JsonArray().add(MODERN).addAll(new JsonArray(List.copyOf(LEGACY))))));
  }

  /**
   * Checks a 2026-07-28 message: its revision must be one this server speaks, and the headers the
   * client derives from the body must agree with it. A header may be absent (curl, a hand-written
   * client); one that disagrees is refused, because a gateway in front may have decided on it.
   */
  static Refusal checkModern(JsonObject message, MultiMap headers) {
    Object id = validId(message);
    if (!(meta(message).getValue(VERSION_META) instanceof String claim)) {
      return new Refusal(400, error(id, INVALID_PARAMS, "params._meta[\"" + VERSION_META + "\"] must be a string", null));
    }
    String version = header(headers, "mcp-protocol-version");
    if (version != null && !version.equals(claim)) {
      return mismatch(id, "MCP-Protocol-Version is " + version + " but the body names " + claim);
    }
    String method = message.getString("method");
    String methodHeader = header(headers, "mcp-method");
    if (methodHeader != null && !methodHeader.equals(method)) {
      return mismatch(id, "Mcp-Method is " + methodHeader + " but the body's method is " + method);
    }
    String nameHeader = header(headers, "mcp-name");
    if ("tools/call".equals(method) && nameHeader != null) {
      String name = decodeName(nameHeader);
      Object bodyName = params(message).getValue("name");
      if (name == null || (bodyName instanceof String s && !s.equals(name))) {
        return mismatch(id, "Mcp-Name does not name the tool the body calls");
      }
    }
    if (!claim.equals(MODERN)) {
      return new Refusal(400, error(id, UNSUPPORTED_VERSION, "Unsupported protocol version: " + claim,
          new JsonObject().put("supported", new JsonArray().add(MODERN)).put("requested", claim)));
    }
    return null;
  }

  /** Answers one request; {@code modern} when it claims revision 2026-07-28 (checked by {@link #checkModern}). */
  static Reply answer(JsonObject request, boolean modern, JsonObject saw) {
    Object id = validId(request);
    String method = request.getString("method");
    if (method.equals("tools/call")) {
      return callTool(id, params(request), modern, saw);
    }
    JsonObject result = switch (method) {
      case "initialize" -> modern ? null : initialize(params(request)); // 2026-07-28 has no handshake
      case "server/discover" -> modern ? discover() : null;
      case "ping" -> new JsonObject();
      case "tools/list" -> modern
          ? new JsonObject().put("tools", SampleShopTools.list()).put("ttlMs", 0).put("cacheScope", "private")
          : new JsonObject().put("tools", SampleShopTools.list());
      default -> null;
    };
    return new Reply(result == null
        ? error(id, METHOD_NOT_FOUND, "Method not found: " + shown(method) + (modern ? " (revision " + MODERN + ")" : ""), null)
        : success(id, stamp(result, modern)), List.of());
  }

  private static Reply callTool(Object id, JsonObject params, boolean modern, JsonObject saw) {
    Object arguments = params.getValue("arguments");
    if (!(params.getValue("name") instanceof String name) || !(arguments == null || arguments instanceof JsonObject)) {
      return new Reply(error(id, INVALID_PARAMS, "tools/call needs params.name (a string) and params.arguments (an object, if any)", null), List.of());
    }
    SampleShopTools.Outcome outcome = SampleShopTools.call(name, arguments == null ? new JsonObject() : (JsonObject) arguments, saw);
    if (outcome == null) {
      return new Reply(error(id, INVALID_PARAMS, "Unknown tool: " + shown(name), null), List.of());
    }
    return new Reply(success(id, stamp(outcome.result(), modern)), outcome.progress());
  }

  static JsonObject progress(Object token, int step, int total, String message) {
    return new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/progress").put("params", new JsonObject()
        .put("progressToken", token).put("progress", step).put("total", total).put("message", message));
  }

  static JsonObject error(Object id, int code, String message, JsonObject data) {
    JsonObject error = new JsonObject().put("code", code).put("message", message);
    if (data != null) {
      error.put("data", data);
    }
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("error", error);
  }

  private static JsonObject initialize(JsonObject params) {
    String requested = params.getValue("protocolVersion") instanceof String s ? s : "";
    return new JsonObject()
        .put("protocolVersion", LEGACY.contains(requested) ? requested : LEGACY.get(0))
        .put("capabilities", new JsonObject().put("tools", new JsonObject()))
        .put("serverInfo", SERVER_INFO.copy())
        .put("instructions", INSTRUCTIONS);
  }

  private static JsonObject discover() {
    return new JsonObject()
        .put("supportedVersions", new JsonArray().add(MODERN))
        .put("capabilities", new JsonObject().put("tools", new JsonObject()))
        .put("instructions", INSTRUCTIONS)
        .put("ttlMs", 0)
        .put("cacheScope", "private");
  }

  /** 2026-07-28 results say they are complete (not input_required) and name the server. */
  private static JsonObject stamp(JsonObject result, boolean modern) {
    return modern ? result.put("resultType", "complete").put("_meta", new JsonObject().put(SERVER_INFO_META, SERVER_INFO.copy())) : result;
  }

  private static JsonObject success(Object id, JsonObject result) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("result", result);
  }

  private static Refusal mismatch(Object id, String message) {
    return new Refusal(400, error(id, HEADER_MISMATCH, "Header mismatch: " + message, null));
  }

  /** A caller's string as echoed in an error message: short, whatever the caller sent. */
  private static String shown(String value) {
    return value.length() <= 64 ? value : value.substring(0, 64) + "…";
  }

  private static JsonObject params(JsonObject message) {
    return message.getValue("params") instanceof JsonObject p ? p : new JsonObject();
  }

  private static JsonObject meta(JsonObject message) {
    return params(message).getValue("_meta") instanceof JsonObject m ? m : null;
  }

  private static String header(MultiMap headers, String name) {
    String value = headers.get(name);
    return value == null ? null : value.strip();
  }

  /**
   * An {@code Mcp-Name} value: plain when it is safe ASCII, else {@code =?base64?…?=} around the
   * UTF-8 bytes (the 2026-07-28 header encoding). Null when the encoding is broken.
   */
  static String decodeName(String value) {
    if (!(value.startsWith("=?base64?") && value.endsWith("?=") && value.length() >= 11)) {
      return value;
    }
    try {
      byte[] bytes = Base64.getDecoder().decode(value.substring(9, value.length() - 2));
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (IllegalArgumentException | CharacterCodingException e) {
      return null;
    }
  }
}
