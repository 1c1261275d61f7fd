package dev.toolgate.server.admin.testcall;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The body of {@code POST /admin/tool-calls/test}, read strictly: every field of the right type,
 * no field the API does not know (a misspelt {@code header} must not be silently dropped). What the
 * fields mean for the tool is checked by {@link TestCallTarget} and {@link TestCallCredentials}.
 *
 * @param clientId the client whose signing secret or access token is used; null when not given
 * @param value the static token or API key (Toolgate keeps only digests of those); null otherwise
 * @param userId the user a customer token is minted for; null when not given
 * @param method null: the tool's method
 * @param path null: the tool's path (when it has no parameters)
 * @param query without {@code ?}; null when none
 * @param headers in the order given
 * @param body the request body as text (sent as UTF-8); null when none
 */
public record TestCallRequest(String tool, String clientId, TestCredential kind, String value, String userId, String method, String path,
    String query, List<Header> headers, String body) {
  private static final Set<String> FIELDS = Set.of("tool", "client_id", "credential", "method", "path", "query", "headers", "body");
  private static final Set<String> CREDENTIAL_FIELDS = Set.of("kind", "value", "user_id");
  /** Longer ids, paths and values than any Toolgate makes or routes are mistakes (or probes). */
  private static final int MAX_TEXT = 8192;

  /** One request header, as the caller wrote it. */
  public record Header(String name, String value) {}

  public TestCallRequest {
    headers = List.copyOf(headers);
  }

  /** @throws IllegalArgumentException naming the field that is missing, of the wrong type, or unknown */
  public static TestCallRequest read(JsonObject json) {
    unknownFields(json, FIELDS, "");
    Object credentialValue = json.getValue("credential");
    if (!(credentialValue instanceof JsonObject credential)) {
      throw new IllegalArgumentException(credentialValue == null ? "credential is required" : "credential must be an object");
    }
    unknownFields(credential, CREDENTIAL_FIELDS, "credential.");
    String kindName = text(credential, "kind", "credential.kind", true);
    TestCredential kind = TestCredential.parse(kindName)
        .orElseThrow(() -> new IllegalArgumentException("credential.kind must be one of " + TestCredential.names()));
    return new TestCallRequest(
        text(json, "tool", "tool", true),
        text(json, "client_id", "client_id", false),
        kind,
        text(credential, "value", "credential.value", false),
        text(credential, "user_id", "credential.user_id", false),
        text(json, "method", "method", false),
        text(json, "path", "path", false),
        text(json, "query", "query", false),
        headers(json),
        body(json));
  }

  private static void unknownFields(JsonObject json, Set<String> known, String prefix) {
    for (String name : json.fieldNames()) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException(prefix + name + " is not a field of a test call; the fields are " + String.join(", ",
            known.stream().sorted().map(f -> prefix + f).toList()));
      }
    }
  }

  private static String text(JsonObject json, String field, String shown, boolean required) {
    Object value = json.getValue(field);
    if (value == null) {
      if (required) {
        throw new IllegalArgumentException(shown + " is required");
      }
      return null;
    }
    if (!(value instanceof String s)) {
      throw new IllegalArgumentException(shown + " must be a string");
    }
    if (s.isEmpty() || s.length() > MAX_TEXT) {
      throw new IllegalArgumentException(shown + " must be 1 to " + MAX_TEXT + " characters");
    }
    return s;
  }

  private static List<Header> headers(JsonObject json) {
    Object value = json.getValue("headers");
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonObject object)) {
      throw new IllegalArgumentException("headers must be an object of header names to string values");
    }
    List<Header> headers = new ArrayList<>();
    for (String name : object.fieldNames()) {
      if (!(object.getValue(name) instanceof String v)) {
        throw new IllegalArgumentException("headers." + HeaderRules.printable(name) + " must be a string");
      }
      headers.add(new Header(name, v));
    }
    return headers;
  }

  private static String body(JsonObject json) {
    Object value = json.getValue("body");
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw new IllegalArgumentException("body must be a string (the request body as text; JSON goes in it encoded)");
    }
    return s; // the admin API's 16 KiB cap on the whole request bounds it
  }
}
