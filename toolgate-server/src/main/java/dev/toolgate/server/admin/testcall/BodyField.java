package dev.toolgate.server.admin.testcall;

import dev.toolgate.core.request.JsonPointer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Puts a credential into a field of a JSON body (a tool that reads its user token from {@code /context/jwt}). */
final class BodyField {
  private BodyField() {}

  /**
   * The body with {@code value} at {@code pointer}, objects on the way made as needed.
   *
   * @param body the caller's body; null: an empty object
   * @param what what the value is, for messages
   * @throws IllegalArgumentException when the body is not a JSON object or the way holds something else than objects
   */
  static String put(String body, String pointer, String value, String what) {
    JsonObject json;
    try {
      json = body == null ? new JsonObject() : new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("body must be a JSON object: the tool reads " + what + " from body field " + pointer);
    }
    List<String> tokens = JsonPointer.tokens(pointer);
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException("the tool reads " + what + " from the whole body, which a test call cannot fill");
    }
    JsonObject at = json;
    for (String token : tokens.subList(0, tokens.size() - 1)) {
      Object next = at.getValue(token);
      if (next == null) {
        next = new JsonObject();
        at.put(token, next);
      }
      if (!(next instanceof JsonObject object)) {
        throw new IllegalArgumentException("body: " + what + " goes in body field " + pointer + ", but '" + token + "' on the way is not an object");
      }
      at = object;
    }
    at.put(tokens.get(tokens.size() - 1), value);
    return json.encode();
  }
}
