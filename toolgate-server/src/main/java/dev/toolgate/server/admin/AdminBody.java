package dev.toolgate.server.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Reading an admin request's JSON body, one way for every admin route: it must be valid UTF-8 (a
 * secret or a name must not be stored with replacement characters in it), name no field twice (two
 * readers of one body must not see two different values), and name no field the request does not
 * take (a misspelt {@code expires_at} must not make a credential that never expires). An empty
 * body is an empty object.
 */
public final class AdminBody {
  private static final JsonFactory STRICT = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build())
      .build();

  private AdminBody() {}

  /** The body as a JSON object that names no field but {@code fields}. */
  public static JsonObject read(RoutingContext ctx, Collection<String> fields) {
    JsonObject body = readAnyFields(ctx);
    for (String name : body.fieldNames()) {
      if (!fields.contains(name)) {
        throw new IllegalArgumentException("unknown field " + KnownNames.quoted(name)
            + (fields.isEmpty() ? " (this request takes no body)" : " (this request takes " + String.join(", ", fields) + ")"));
      }
    }
    return body;
  }

  /**
   * The body as a JSON object, whatever fields it names: for a request that checks its fields
   * itself (a test call's nested ones), and for the Sendbird-shaped platform API, whose callers are
   * written against Sendbird's own, which ignores fields it does not use.
   */
  static JsonObject readAnyFields(RoutingContext ctx) {
    String text = utf8(ctx);
    if (text.isBlank()) {
      return new JsonObject();
    }
    requireNoDuplicates(text);
    Object parsed;
    try {
      parsed = Json.decodeValue(text);
    } catch (DecodeException e) {
      throw new IllegalArgumentException("the body is not valid JSON");
    }
    if (!(parsed instanceof JsonObject body)) {
      throw new IllegalArgumentException("the body must be a JSON object");
    }
    return body;
  }

  private static String utf8(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().buffer() == null) {
      return "";
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(ctx.body().buffer().getBytes()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the body is not valid UTF-8");
    }
  }

  private static void requireNoDuplicates(String text) {
    try (JsonParser parser = STRICT.createParser(text)) {
      while (parser.nextToken() != null) {
        // reading every token is the check
      }
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(e.getMessage() != null && e.getMessage().startsWith("Duplicate field")
          ? "the body names a field twice" : "the body is not valid JSON");
    } catch (IOException e) {
      throw new IllegalArgumentException("the body is not valid JSON");
    }
  }
}
