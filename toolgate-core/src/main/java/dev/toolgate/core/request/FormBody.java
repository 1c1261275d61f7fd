package dev.toolgate.core.request;

import dev.toolgate.core.text.StrictUtf8;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An {@code application/x-www-form-urlencoded} body (or a query string), decoded strictly: every
 * {@code %} is followed by two hex digits, {@code +} is a space, and the decoded bytes are UTF-8.
 * Anything else refuses the whole form instead of being decoded leniently: replacement characters
 * would make different byte strings the same value, and a half-decoded form is not what was sent.
 * Empty pairs ({@code a=1&&b=2}) are skipped, as the WHATWG URL standard does.
 */
public record FormBody(List<Param> params) {
  public record Param(String name, String value) {}

  public FormBody {
    params = List.copyOf(params);
  }

  /** The form, or empty when a {@code %}-escape is broken or the decoded bytes are not UTF-8. */
  public static Optional<FormBody> parse(byte[] raw) {
    List<Param> params = new ArrayList<>();
    int start = 0;
    while (start <= raw.length) {
      int end = indexOf(raw, (byte) '&', start, raw.length);
      if (end > start) {
        int eq = indexOf(raw, (byte) '=', start, end);
        String name = decode(raw, start, eq);
        String value = eq == end ? "" : decode(raw, eq + 1, end);
        if (name == null || value == null) {
          return Optional.empty();
        }
        params.add(new Param(name, value));
      }
      start = end + 1;
    }
    return Optional.of(new FormBody(params));
  }

  /**
   * A raw query string as an HTTP server hands it over: one char per byte of the request line
   * (ISO-8859-1), not yet decoded. Null is an empty form.
   */
  public static Optional<FormBody> parseQuery(String rawQuery) {
    return parse(rawQuery == null ? new byte[0] : rawQuery.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Every value of {@code name}, in order; empty when absent. */
  public List<String> values(String name) {
    List<String> out = new ArrayList<>();
    for (Param p : params) {
      if (p.name().equals(name)) {
        out.add(p.value());
      }
    }
    return out;
  }

  /** The parameter names in the order they first appear. */
  public Set<String> names() {
    Set<String> out = new LinkedHashSet<>();
    for (Param p : params) {
      out.add(p.name());
    }
    return out;
  }

  private static int indexOf(byte[] raw, byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (raw[i] == b) {
        return i;
      }
    }
    return to;
  }

  /** {@code raw[from, to)} decoded; null when an escape is broken or the result is not UTF-8. */
  private static String decode(byte[] raw, int from, int to) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      byte b = raw[i];
      if (b == '+') {
        bytes.write(' ');
      } else if (b == '%') {
        int high = i + 2 < to ? hex(raw[i + 1]) : -1;
        int low = i + 2 < to ? hex(raw[i + 2]) : -1;
        if (high < 0 || low < 0) {
          return null;
        }
        bytes.write(high << 4 | low);
        i += 2;
      } else {
        bytes.write(b);
      }
    }
    return StrictUtf8.decode(bytes.toByteArray());
  }

  private static int hex(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }
}
