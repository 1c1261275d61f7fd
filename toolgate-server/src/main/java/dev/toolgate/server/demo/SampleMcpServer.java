package dev.toolgate.server.demo;

import static dev.toolgate.server.demo.SampleMcpProtocol.INTERNAL_ERROR;
import static dev.toolgate.server.demo.SampleMcpProtocol.INVALID_REQUEST;
import static dev.toolgate.server.demo.SampleMcpProtocol.PARSE_ERROR;
import static dev.toolgate.server.demo.SampleMcpProtocol.SERVER_ERROR;
import static dev.toolgate.server.demo.SampleMcpProtocol.SESSION_NOT_FOUND;
import static dev.toolgate.server.demo.SampleMcpProtocol.error;

import dev.toolgate.server.demo.SampleMcpProtocol.Kind;
import dev.toolgate.server.demo.SampleMcpProtocol.Refusal;
import dev.toolgate.server.demo.SampleMcpProtocol.Reply;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A small MCP server for the demo, the shop of {@link DemoUpstream} as MCP tools (see
 * {@link SampleShopTools}), serving Streamable HTTP at {@code /mcp}: JSON-RPC over POST, answered
 * as JSON, or as an SSE stream of progress events and then the result when a {@code tools/call}
 * asks for progress and the client accepts {@code text/event-stream}. It has no authentication at
 * all: Toolgate stands in front of it and tells it who calls in {@code x-toolgate-*} headers.
 * Sessions are optional, as the spec lets servers choose: {@code initialize} issues one, later
 * requests may carry it or not, and an id this server never issued (or ended) is answered 404.
 */
public final class SampleMcpServer implements AutoCloseable {
  static final String PATH = "/mcp";
  static final int MAX_BODY_BYTES = 1 << 20;
  /** Beyond this many live sessions the oldest is forgotten, so initialize calls cannot fill memory. */
  private static final int MAX_SESSIONS = 10_000;
  /** A batch answers every element with a whole result: bounded, so a small body cannot ask for a huge answer. */
  static final int MAX_BATCH = 100;
  private static final long PROGRESS_INTERVAL_MS = 200;
  /** Credential headers that must never reach an upstream through Toolgate (as in DemoUpstream). */
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final HttpServer server;
  private final Set<String> sessions = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<String, Boolean>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > MAX_SESSIONS;
    }
  }));

  private SampleMcpServer(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  public static Future<SampleMcpServer> start(Vertx vertx, String host, int port) {
    HttpServer http = vertx.createHttpServer();
    SampleMcpServer mcp = new SampleMcpServer(vertx, http);
    return http.requestHandler(mcp::handle).listen(port, host).map(listening -> mcp);
  }

  public int port() {
    return server.actualPort();
  }

  private void handle(HttpServerRequest req) {
    req.exceptionHandler(e -> { }); // a client that goes away mid-request is nothing to report
    if (!PATH.equals(req.path())) {
      req.response().setStatusCode(404).putHeader("content-type", "text/plain").end("Not found: the MCP endpoint is " + PATH + "\n");
      return;
    }
    switch (req.method().name()) {
      case "POST" -> readBody(req);
      case "DELETE" -> endSession(req);
      // No standalone GET stream: this server never sends anything a request did not ask for.
      default -> json(req.response().putHeader("allow", "POST, DELETE"), 405, error(null, SERVER_ERROR, "Method not allowed", null));
    }
  }

  private void endSession(HttpServerRequest req) {
    String id = req.getHeader("mcp-session-id");
    if (id == null) {
      json(req.response(), 400, error(null, INVALID_REQUEST, "DELETE needs the Mcp-Session-Id header of the session to end", null));
    } else if (!sessions.remove(id)) {
      json(req.response(), 404, error(null, SESSION_NOT_FOUND, "Session not found", null));
    } else {
      req.response().setStatusCode(204).end();
    }
  }

  /** Reads the body whole, up to {@link #MAX_BODY_BYTES}; past that the answer is 413 and the rest is not read. */
  private void readBody(HttpServerRequest req) {
    String length = req.getHeader("content-length");
    if (length != null && (length.length() > 9 || !length.chars().allMatch(Character::isDigit) || Integer.parseInt(length) > MAX_BODY_BYTES)) {
      tooLarge(req);
      return;
    }
    Buffer body = Buffer.buffer();
    if (req.isEnded()) {
      answer(req, body);
      return;
    }
    boolean[] refused = {false};
    req.handler(chunk -> {
      if (refused[0]) {
        return;
      }
      if (body.length() + chunk.length() > MAX_BODY_BYTES) {
        refused[0] = true;
        tooLarge(req);
        return;
      }
      body.appendBuffer(chunk);
    });
    req.endHandler(v -> {
      if (!refused[0]) {
        answer(req, body);
      }
    });
    if ("100-continue".equalsIgnoreCase(req.getHeader("expect"))) {
      req.response().writeContinue(); // curl waits for this before sending a body over 1 KiB
    }
  }

  private void answer(HttpServerRequest req, Buffer body) {
    try {
      post(req, body);
    } catch (RuntimeException e) {
      // A bug of this sample, not the caller's: answer without details rather than leave the call hanging.
      if (!req.response().headWritten()) {
        json(req.response(), 500, error(null, INTERNAL_ERROR, "Internal error", null));
      }
    }
  }

  /** An HTTP/1.x connection closes once answered, so the rest of an oversized body is never read. */
  private static void tooLarge(HttpServerRequest req) {
    HttpServerResponse response = req.response().putHeader("connection", "close");
    response.endHandler(v -> req.connection().close());
    json(response, 413, error(null, INVALID_REQUEST, "Request body larger than " + MAX_BODY_BYTES + " bytes", null));
  }

  private void post(HttpServerRequest req, Buffer body) {
    Object message;
    try {
      message = Json.decodeValue(body);
    } catch (RuntimeException e) {
      json(req.response(), 400, error(null, PARSE_ERROR, "Parse error: the body is not JSON", null));
      return;
    }
    String session = req.getHeader("mcp-session-id");
    if (session != null && !sessions.contains(session)) {
      json(req.response(), 404, error(null, SESSION_NOT_FOUND, "Session not found", null));
      return;
    }
    if (message instanceof JsonArray batch) {
      postBatch(req, batch);
    } else {
      postOne(req, message);
    }
  }

  private void postOne(HttpServerRequest req, Object message) {
    Kind kind = SampleMcpProtocol.kind(message);
    if (kind == Kind.INVALID) {
      json(req.response(), 400, error(SampleMcpProtocol.validId(message), INVALID_REQUEST, "Invalid Request: not a JSON-RPC 2.0 message", null));
      return;
    }
    JsonObject m = (JsonObject) message;
    boolean modern = kind != Kind.RESPONSE && SampleMcpProtocol.claimsRevision(m);
    Refusal refusal = modern ? SampleMcpProtocol.checkModern(m, req.headers()) : SampleMcpProtocol.checkLegacy(req.headers());
    if (refusal != null) {
      json(req.response(), refusal.status(), refusal.response());
      return;
    }
    if (kind != Kind.REQUEST) {
      req.response().setStatusCode(202).end(); // notifications, and answers to requests this server never sends
      return;
    }
    Reply reply = SampleMcpProtocol.answer(m, modern, DemoUpstream.saw(req.headers()));
    if (isInitialize(m) && reply.succeeded()) {
      req.response().putHeader("mcp-session-id", newSession());
    }
    Object token = SampleMcpProtocol.progressToken(m);
    if (token != null && !reply.progress().isEmpty() && acceptsEventStream(req.headers())) {
      stream(req.response(), token, reply);
    } else {
      json(req.response(), 200, reply.response());
    }
  }

  /** A JSON-RPC batch (2025-03-26): one answer per request, as a JSON array; never streamed. */
  private void postBatch(HttpServerRequest req, JsonArray batch) {
    if (batch.isEmpty() || batch.size() > MAX_BATCH) {
      json(req.response(), 400, error(null, INVALID_REQUEST, "Invalid Request: a batch holds 1 to " + MAX_BATCH + " messages", null));
      return;
    }
    for (Object element : batch) {
      if (element instanceof JsonObject m && SampleMcpProtocol.claimsRevision(m)) {
        json(req.response(), 400, error(null, INVALID_REQUEST, "Invalid Request: a batch may not carry " + SampleMcpProtocol.MODERN + " messages", null));
        return;
      }
    }
    Refusal refusal = SampleMcpProtocol.checkLegacy(req.headers());
    if (refusal != null) {
      json(req.response(), refusal.status(), refusal.response());
      return;
    }
    JsonObject saw = DemoUpstream.saw(req.headers());
    JsonArray answers = new JsonArray();
    boolean initialized = false;
    for (Object element : batch) {
      Kind kind = SampleMcpProtocol.kind(element);
      if (kind == Kind.INVALID) {
        answers.add(error(SampleMcpProtocol.validId(element), INVALID_REQUEST, "Invalid Request: not a JSON-RPC 2.0 message", null));
      } else if (kind == Kind.REQUEST) {
        Reply reply = SampleMcpProtocol.answer((JsonObject) element, false, saw);
        answers.add(reply.response());
        initialized |= isInitialize((JsonObject) element) && reply.succeeded();
      }
    }
    if (initialized) {
      req.response().putHeader("mcp-session-id", newSession());
    }
    if (answers.isEmpty()) {
      req.response().setStatusCode(202).end();
    } else {
      req.response().setStatusCode(200).putHeader("content-type", "application/json").end(answers.encode());
    }
  }

  /** One progress event per step, {@link #PROGRESS_INTERVAL_MS} apart, then the result; each written as it happens. */
  private void stream(HttpServerResponse response, Object token, Reply reply) {
    response.setStatusCode(200).setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
    response.writeHead();
    List<String> steps = reply.progress();
    int[] next = {0};
    long timer = vertx.setPeriodic(PROGRESS_INTERVAL_MS, id -> {
      if (response.closed() || response.ended()) {
        vertx.cancelTimer(id);
        return;
      }
      int step = next[0]++;
      response.write(event(SampleMcpProtocol.progress(token, step + 1, steps.size(), steps.get(step))));
      if (step + 1 == steps.size()) {
        vertx.cancelTimer(id);
        response.end(event(reply.response()));
      }
    });
    response.closeHandler(v -> vertx.cancelTimer(timer)); // the client gave up (2026-07-28 cancels that way)
  }

  private static String event(JsonObject message) {
    return "event: message\ndata: " + message.encode() + "\n\n";
  }

  private String newSession() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes); // visible ASCII only, as the spec requires
    sessions.add(id);
    return id;
  }

  private static boolean isInitialize(JsonObject request) {
    return "initialize".equals(request.getValue("method"));
  }

  private static boolean acceptsEventStream(MultiMap headers) {
    for (String accept : headers.getAll("accept")) {
      for (String range : accept.split(",")) {
        if (range.split(";")[0].strip().toLowerCase(Locale.ROOT).equals("text/event-stream")) {
          return true;
        }
      }
    }
    return false;
  }

  private static void json(HttpServerResponse response, int status, JsonObject body) {
    response.setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }

  @Override
  public void close() {
    server.close();
  }
}
