package dev.toolgate.core.request;

import dev.toolgate.core.text.StrictUtf8;
import dev.toolgate.core.config.IdentityLocation;
import dev.toolgate.core.decision.DenialCode;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reads one identity value (a user id, an owner id) from where a tool says the call carries it. */
public final class IdentityReader {
  /** Longer values are refused: no id Toolgate resolves is anywhere near this long. */
  static final int MAX_VALUE_CHARS = 512;

  private IdentityReader() {}

  /**
   * What was read: a value, nothing ({@code value} and {@code code} null), or why the call is
   * malformed ({@code code} and {@code detail}).
   */
  public record Read(String value, DenialCode code, String detail) {
    public boolean present() {
      return value != null;
    }

    public boolean failed() {
      return code != null;
    }

    static Read absent() {
      return new Read(null, null, null);
    }

    static Read of(String value, IdentityLocation where) {
      if (value == null || value.isEmpty()) {
        return absent();
      }
      if (value.length() > MAX_VALUE_CHARS) {
        return bad(DenialCode.BAD_REQUEST, where.describe() + " is longer than " + MAX_VALUE_CHARS + " characters");
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c < 0x20 || c == 0x7f) { // no id has them; NUL would even break a PostgreSQL lookup
          return bad(DenialCode.BAD_REQUEST, where.describe() + " holds a control character");
        }
      }
      return new Read(value, null, null);
    }

    static Read bad(DenialCode code, String detail) {
      return new Read(null, code, detail);
    }
  }

  public static Read read(ToolCall call, IdentityLocation where) {
    return switch (where.place()) {
      case HEADER -> header(call, where);
      case BODY -> body(call, where);
      case PATH -> path(call, where);
      case QUERY -> query(call, where);
    };
  }

  private static Read header(ToolCall call, IdentityLocation where) {
    List<String> values = call.headers().all(where.name());
    if (values.size() > 1) {
      // Two values could be read differently here and upstream; refuse rather than pick one.
      return Read.bad(DenialCode.BAD_REQUEST, where.describe() + " sent more than once");
    }
    for (String twin : underscoreSpellings(where.name())) {
      if (!call.headers().all(twin).isEmpty()) {
        // CGI, WSGI and PHP upstreams read X_User_Id as X-User-Id: it reaches them unjudged.
        return Read.bad(DenialCode.BAD_REQUEST, where.describe() + " is also sent as " + twin + ", which some servers read as the same name");
      }
    }
    return values.isEmpty() ? Read.absent() : Read.of(values.get(0).strip(), where);
  }

  /**
   * Every other spelling of a header name with '_' and '-' swapped at some of their places: CGI,
   * WSGI and PHP read all of them as one name. Names with more than 8 separators (none in practice)
   * get only the two uniform spellings, so a call costs at most 255 look-ups.
   */
  static List<String> underscoreSpellings(String name) {
    List<Integer> separators = new ArrayList<>();
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) == '-' || name.charAt(i) == '_') {
        separators.add(i);
      }
    }
    Set<String> spellings = new LinkedHashSet<>();
    if (separators.size() > 8) {
      spellings.add(name.replace('_', '-'));
      spellings.add(name.replace('-', '_'));
    } else {
      for (int mask = 1; mask < 1 << separators.size(); mask++) {
        char[] spelled = name.toCharArray();
        for (int s = 0; s < separators.size(); s++) {
          if ((mask & 1 << s) != 0) {
            int at = separators.get(s);
            spelled[at] = spelled[at] == '-' ? '_' : '-';
          }
        }
        spellings.add(new String(spelled));
      }
    }
    spellings.remove(name);
    return List.copyOf(spellings);
  }

  private static Read body(ToolCall call, IdentityLocation where) {
    if (call.body() == null || call.body().length == 0) {
      return Read.absent();
    }
    Read wrongType = requireJsonType(call, where.describe());
    if (wrongType != null) {
      return wrongType;
    }
    JsonBody.Lookup lookup = call.json().at(where.name());
    if (!lookup.bodyIsJson()) {
      return Read.bad(DenialCode.BODY_NOT_JSON, where.describe() + " is needed but the body is not a JSON object");
    }
    if (lookup.ambiguous()) {
      return Read.bad(DenialCode.BAD_REQUEST, where.describe() + " has a sibling whose name differs only in case: ambiguous");
    }
    Object value = lookup.value();
    if (value == null) {
      return Read.absent();
    }
    if (value instanceof String s) {
      return Read.of(s, where);
    }
    if (value instanceof Number n && isWhole(n)) {
      return Read.of(new BigDecimal(n.toString()).toBigIntegerExact().toString(), where); // {"user_id": 42} names user "42"
    }
    return Read.bad(DenialCode.BAD_REQUEST, where.describe() + " must be a string or a whole number");
  }

  private static boolean isWhole(Number n) {
    try {
      new BigDecimal(n.toString()).toBigIntegerExact();
      return true;
    } catch (ArithmeticException | NumberFormatException e) {
      return false;
    }
  }

  private static Read path(ToolCall call, IdentityLocation where) {
    String raw = call.pathParams().get(where.name());
    if (raw == null) {
      return Read.absent();
    }
    String decoded = percentDecode(raw);
    return decoded == null ? Read.bad(DenialCode.BAD_PATH, where.describe() + " is not valid percent-encoded UTF-8") : Read.of(decoded, where);
  }

  private static Read query(ToolCall call, IdentityLocation where) {
    QueryString.Single sent = QueryString.single(call.query(), where.name());
    if (sent.ambiguous()) {
      // user_id twice, or also as USER_ID / user.id / user_id[], which some frameworks read as the same name
      return Read.bad(DenialCode.BAD_REQUEST, where.describe() + " sent more than once, under a name some servers read as the same, or in a query holding ';'");
    }
    return sent.present() ? Read.of(sent.value(), where) : Read.absent();
  }

  /** A refusal when the body is not declared JSON; null when it is. */
  static Read requireJsonType(ToolCall call, String what) {
    if (JsonBody.declaredJson(call.headers())) {
      return null;
    }
    return Read.bad(DenialCode.BODY_NOT_JSON, what + " is read from a JSON body: send Content-Type application/json, without Content-Encoding");
  }

  /** RFC 3986 percent-decoding of a path segment ('+' is a plus); null when an escape or the UTF-8 is broken. */
  static String percentDecode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c != '%') {
        if (c > 0x7f) {
          return null;
        }
        out.write(c);
        continue;
      }
      if (i + 2 >= segment.length()) {
        return null;
      }
      int hi = Character.digit(segment.charAt(i + 1), 16);
      int lo = Character.digit(segment.charAt(i + 2), 16);
      if (hi < 0 || lo < 0) {
        return null;
      }
      out.write(hi * 16 + lo);
      i += 2;
    }
    return StrictUtf8.decode(out.toByteArray());
  }
}
