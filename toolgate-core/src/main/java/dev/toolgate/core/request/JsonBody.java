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
  /** What a JSON Pointer found: a value, nothing, or a body that is not a JSON object. */
  public record Lookup(Object value, boolean bodyIsJson) {
    public Optional<String> asString() {
      return value instanceof String s ? Optional.of(s) : Optional.empty();
    }
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
