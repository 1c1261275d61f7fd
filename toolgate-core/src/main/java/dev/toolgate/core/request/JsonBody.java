package dev.toolgate.core.request;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The request body as JSON, parsed at most once and only when a check asks for a field, from the
 * same bytes a signature was verified over. Confined to the request's thread; not thread-safe.
 */
public final class JsonBody {
  /**
   * What a JSON Pointer found: a value, nothing, or a body that is not a JSON object.
   *
   * @param ambiguous a member on the way has a sibling whose name differs only in case
   *     ({@code user_id} and {@code USER_ID}): parsers that match names case-insensitively (Go's,
   *     ASP.NET's) could read the other one, so the caller must refuse rather than pick
   */
  public record Lookup(Object value, boolean bodyIsJson, boolean ambiguous) {
    public Lookup(Object value, boolean bodyIsJson) {
      this(value, bodyIsJson, false);
    }

    public Optional<String> asString() {
      return value instanceof String s ? Optional.of(s) : Optional.empty();
    }
  }

  /**
   * Whether a {@code Content-Type} says JSON ({@code application/json} or {@code …+json}): a body
   * read as JSON here must be read as JSON upstream too, not as a form that says something else.
   */
  public static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(java.util.Locale.ROOT);
    return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
  }

  private final byte[] bytes;
  private Map<String, Object> root;
  private boolean parsed;

  public JsonBody(byte[] bytes) {
    this.bytes = bytes;
  }

  /** The value at an RFC 6901 JSON Pointer such as {@code /context/jwt}. */
  public Lookup at(String pointer) {
    Map<String, Object> object = root();
    if (object == null) {
      return new Lookup(null, false);
    }
    Object current = object;
    for (String token : JsonPointer.tokens(pointer)) {
      if (current instanceof Map<?, ?> map) {
        for (Object key : map.keySet()) {
          if (!token.equals(key) && token.equalsIgnoreCase((String) key)) {
            return new Lookup(null, true, true);
          }
        }
        current = map.get(token);
      } else if (current instanceof List<?> list && token.matches("0|[1-9][0-9]{0,8}") && Integer.parseInt(token) < list.size()) {
        current = list.get(Integer.parseInt(token));
      } else {
        return new Lookup(null, true);
      }
      if (current == null) {
        return new Lookup(null, true);
      }
    }
    return new Lookup(current, true);
  }

  /**
   * The body without the member at {@code pointer} (a credential read from it, not to be forwarded),
   * re-serialized as JSON: member order and values are kept, number spelling may change (1.10 → 1.1).
   * Null when the body is not a JSON object or the pointer names no object member.
   */
  public byte[] without(String pointer) {
    List<String> tokens = JsonPointer.tokens(pointer);
    if (bytes == null || bytes.length == 0 || tokens.isEmpty()) {
      return null;
    }
    Map<String, Object> copy;
    try {
      copy = JSONObjectUtils.parse(new String(bytes, StandardCharsets.UTF_8)); // its own copy: the parsed view stays as it was
    } catch (java.text.ParseException | RuntimeException e) {
      return null;
    }
    Object parent = copy;
    for (String token : tokens.subList(0, tokens.size() - 1)) {
      parent = parent instanceof Map<?, ?> map ? map.get(token) : null;
    }
    if (!(parent instanceof Map<?, ?> map) || !map.containsKey(tokens.get(tokens.size() - 1))) {
      return null;
    }
    map.remove(tokens.get(tokens.size() - 1));
    return JSONObjectUtils.toJSONString(copy).getBytes(StandardCharsets.UTF_8);
  }

  private Map<String, Object> root() {
    if (!parsed) {
      parsed = true;
      if (bytes != null && bytes.length > 0) {
        try {
          root = JSONObjectUtils.parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (java.text.ParseException | RuntimeException e) {
          root = null; // not a JSON object: callers report it as such
        }
      }
    }
    return root;
  }
}
