package dev.toolgate.server.oauth.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.toolgate.core.text.StrictUtf8;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * The body of a registration request (RFC 7591 §3.1): one JSON object in UTF-8, sent as
 * {@code application/json}. Read strictly: malformed UTF-8, a member named twice (parsers disagree
 * on which one counts) and anything but an object are refused, each with its reason.
 */
final class RegistrationBody {
  private static final JsonFactory STRICT = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** The object, or why there is none. */
  record Result(JsonObject json, String problem) {}

  private RegistrationBody() {}

  /** @param contentTypes every {@code Content-Type} header of the request */
  static Result read(List<String> contentTypes, byte[] bytes) {
    if (contentTypes.size() != 1 || !isJson(contentTypes.get(0))) {
      return problem("the request must be one JSON object sent as Content-Type: application/json");
    }
    if (bytes.length == 0) {
      return problem("the request body is empty; it must be a JSON object of client metadata");
    }
    String text = StrictUtf8.decode(bytes);
    if (text == null) {
      return problem("the request body is not valid UTF-8");
    }
    Object value;
    try {
      value = Json.decodeValue(text);
    } catch (DecodeException | IllegalArgumentException e) {
      return problem("the request body is not valid JSON");
    }
    if (!(value instanceof JsonObject object)) {
      return problem("the request body must be a JSON object, not " + kind(value));
    }
    if (namesAMemberTwice(bytes)) {
      return problem("the request body names a member more than once");
    }
    return new Result(object, null);
  }

  /** {@code application/json}, with a charset parameter only if it says UTF-8 (RFC 8259 §8.1). */
  private static boolean isJson(String contentType) {
    String[] parts = contentType.split(";");
    if (!parts[0].strip().equalsIgnoreCase("application/json")) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].strip().toLowerCase(Locale.ROOT);
      if (parameter.startsWith("charset=") && !parameter.replace("\"", "").equals("charset=utf-8")) {
        return false;
      }
    }
    return true;
  }

  private static boolean namesAMemberTwice(byte[] json) {
    try (JsonParser in = STRICT.createParser(json)) {
      while (in.nextToken() != null) {
        // the parser throws on a repeated name
      }
      return false;
    } catch (IOException e) {
      return true; // valid JSON was parsed above: what is left is a repeated name
    }
  }

  private static String kind(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof io.vertx.core.json.JsonArray) {
      return "an array";
    }
    return value instanceof String ? "a string" : value instanceof Boolean ? "a boolean" : "a number";
  }

  private static Result problem(String problem) {
    return new Result(null, problem);
  }
}
