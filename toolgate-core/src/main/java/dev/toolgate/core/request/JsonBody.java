package dev.toolgate.core.request;

import dev.toolgate.core.text.StrictUtf8;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.util.ArrayList;
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
   * Whether the call's single {@code Content-Type} says JSON ({@code application/json} or
   * {@code …+json}) and no {@code Content-Encoding} but {@code identity} applies: a body read as
   * JSON here must be read as JSON upstream too, not as a form, and not as what an upstream gets by
   * decoding it first (Toolgate reads the bytes as sent and never decompresses them).
   */
  public static boolean declaredJson(Headers headers) {
    List<String> types = headers.all("content-type");
    return types.size() == 1 && isJson(types.get(0)) && notEncoded(headers);
  }

  private static boolean notEncoded(Headers headers) {
    for (String value : headers.all("content-encoding")) {
      for (String coding : value.split(",", -1)) {
        if (!coding.strip().equalsIgnoreCase("identity")) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether one {@code Content-Type} value says JSON. */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(java.util.Locale.ROOT);
    return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
  }

  private final byte[] bytes;
  /** Whether the body may be a JSON array (an MCP batch: pointers then start with an element's index). */
  private final boolean arrayAllowed;
  private Object root;
  private boolean parsed;

  public JsonBody(byte[] bytes) {
    this(bytes, false);
  }

  private JsonBody(byte[] bytes, boolean arrayAllowed) {
    this.bytes = bytes;
    this.arrayAllowed = arrayAllowed;
  }

  /** A JSON-RPC body: one message (an object) or a batch (an array, read with pointers such as {@code /0/params/arguments/id}). */
  public static JsonBody jsonRpc(byte[] bytes) {
    return new JsonBody(bytes, true);
  }

  /** The value at an RFC 6901 JSON Pointer such as {@code /context/jwt}. */
  public Lookup at(String pointer) {
    Object object = root();
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
      } else if (current instanceof List<?>) {
        current = child(current, token);
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
   * copied token by token: member order and numbers' exact text are kept; whitespace and string
   * escapes may change. The pointer is followed as {@link #at} follows it, array indices included
   * ({@code /messages/0/jwt}), so whatever {@code at} reads can be removed.
   * Null when the body is not a JSON object or the pointer names no object member.
   */
  public byte[] without(String pointer) {
    List<String> tokens = JsonPointer.tokens(pointer);
    if (root() == null || tokens.isEmpty() || !memberPresent(tokens)) {
      return null;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(bytes.length);
    try (JsonParser in = STREAMING.createParser(bytes); JsonGenerator copy = STREAMING.createGenerator(out)) {
      // Where the parser is: per open object its current member name, per open array the index of
      // its current element, as the pointer's tokens spell them.
      List<String> path = new ArrayList<>();
      List<Boolean> inArray = new ArrayList<>();
      boolean removed = false;
      JsonToken token;
      while ((token = in.nextToken()) != null) {
        if (token == JsonToken.FIELD_NAME) {
          path.set(path.size() - 1, in.currentName());
          if (!removed && path.equals(tokens)) {
            in.nextToken();
            in.skipChildren(); // the member's value, whatever its size
            removed = true;
            continue;
          }
          copy.writeFieldName(in.currentName());
          continue;
        }
        if (token != JsonToken.END_OBJECT && token != JsonToken.END_ARRAY && !inArray.isEmpty() && inArray.get(inArray.size() - 1)) {
          int last = path.size() - 1;
          path.set(last, Integer.toString(Integer.parseInt(path.get(last)) + 1)); // the array's next element
        }
        switch (token) {
          case START_OBJECT -> {
            copy.writeStartObject();
            path.add(null); // no member yet
            inArray.add(false);
          }
          case START_ARRAY -> {
            copy.writeStartArray();
            path.add("-1"); // before the first element
            inArray.add(true);
          }
          case END_OBJECT, END_ARRAY -> {
            if (token == JsonToken.END_OBJECT) {
              copy.writeEndObject();
            } else {
              copy.writeEndArray();
            }
            path.remove(path.size() - 1);
            inArray.remove(inArray.size() - 1);
          }
          case VALUE_STRING -> copy.writeString(in.getText());
          case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> copy.writeNumber(in.getText()); // as sent: no rounding, no re-spelling
          case VALUE_TRUE, VALUE_FALSE -> copy.writeBoolean(token == JsonToken.VALUE_TRUE);
          case VALUE_NULL -> copy.writeNull();
          default -> { }
        }
      }
      copy.flush();
      return removed ? out.toByteArray() : null;
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  /** Whether the pointer names a member of an object, following it as {@link #at} does. */
  private boolean memberPresent(List<String> tokens) {
    Object parent = root;
    for (String token : tokens.subList(0, tokens.size() - 1)) {
      parent = child(parent, token);
    }
    return parent instanceof Map<?, ?> map && map.containsKey(tokens.get(tokens.size() - 1));
  }

  /** The member or (for a canonical index, as RFC 6901 spells it) the array element {@code token} names; null if none. */
  private static Object child(Object parent, String token) {
    if (parent instanceof Map<?, ?> map) {
      return map.get(token);
    }
    if (parent instanceof List<?> list && token.matches("0|[1-9][0-9]{0,8}") && Integer.parseInt(token) < list.size()) {
      return list.get(Integer.parseInt(token));
    }
    return null;
  }

  /** Whether an object anywhere in the document names a member twice. */
  static boolean hasDuplicateNames(byte[] json) {
    try (JsonParser in = STRICT.createParser(json)) {
      while (in.nextToken() != null) {
        // the parser throws on a repeated name
      }
      return false;
    } catch (java.io.IOException e) {
      return true; // a repeated name, or not JSON at all (then the first parse failed already)
    }
  }

  private static final JsonFactory STREAMING = new JsonFactory();
  private static final JsonFactory STRICT = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private Object root() {
    if (!parsed) {
      parsed = true;
      if (bytes != null && bytes.length > 0) {
        try {
          // Strict UTF-8 (RFC 8259 §8.1): a lenient decoder reads an overlong or surrogate sequence as a
          // character (an overlong '_' makes a second user_id) where Java's decoder reads U+FFFD.
          String text = StrictUtf8.decode(bytes);
          root = text == null ? null
              : arrayAllowed && text.stripLeading().startsWith("[") ? com.nimbusds.jose.util.JSONArrayUtils.parse(text)
              : JSONObjectUtils.parse(text);
          if (root != null && hasDuplicateNames(bytes)) {
            root = null; // {"a":1,"a":2} at any depth: parsers disagree on which one counts
          }
        } catch (java.text.ParseException | RuntimeException e) {
          root = null; // not a JSON object in UTF-8: callers report it as such
        }
      }
    }
    return root;
  }
}
