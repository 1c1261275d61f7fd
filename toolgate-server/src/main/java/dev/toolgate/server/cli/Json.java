package dev.toolgate.server.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/** Reading the admin API's JSON back, for the text the CLI prints from it. */
final class Json {
  private Json() {}

  /** The objects of the list {@code doc[name]} (empty when absent). */
  static List<JsonObject> objects(JsonObject doc, String name) {
    JsonArray array = doc.getJsonArray(name);
    if (array == null) {
      return List.of();
    }
    List<JsonObject> objects = new java.util.ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i); // a JsonObject, also for a Map put in by a library (JWK sets)
      if (item instanceof JsonObject o) {
        objects.add(o);
      }
    }
    return objects;
  }

  /** The strings of {@code doc[name]}, or null when it is null. */
  static List<String> strings(JsonObject doc, String name) {
    JsonArray array = doc.getJsonArray(name);
    return array == null ? null : array.stream().map(String::valueOf).toList();
  }

  /** An RFC 3339 time field, or null. */
  static Instant time(JsonObject doc, String name) {
    String text = doc.getString(name);
    return text == null ? null : Instant.parse(text);
  }

  /** Whether a credential with {@code revoked_at} and {@code expires_at} can be used at {@code now}. */
  static boolean active(JsonObject credential, Instant now) {
    Instant expires = time(credential, "expires_at");
    return credential.getValue("revoked_at") == null && (expires == null || expires.isAfter(now));
  }
}
