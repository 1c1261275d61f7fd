package dev.toolgate.core.route;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The request path as routing sees it. Paths that could route one way here and another way upstream
 * are refused rather than "fixed": dot segments, empty segments, encoded slashes, backslashes,
 * encoded dots, control characters and escapes that are not UTF-8. Routing and forwarding then use the same string.
 */
public record RequestPath(String raw, List<String> segments) {

  /** Empty when the path is not one Toolgate will route. */
  public static Optional<RequestPath> parse(String raw) {
    if (raw == null || raw.isEmpty() || raw.charAt(0) != '/' || raw.length() > 8192) {
      return Optional.empty();
    }
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      // Printable ASCII that RFC 3986 allows in a path; ';' is refused too, because servlet
      // containers read "..;" as "..", and braces because upstream URL templates use them.
      if (c < 0x21 || c > 0x7e || "\\?#;{}\"<>^`|".indexOf(c) >= 0) {
        return Optional.empty();
      }
      if (c == '%') {
        if (i + 2 >= raw.length() || !isHex(raw.charAt(i + 1)) || !isHex(raw.charAt(i + 2))) {
          return Optional.empty();
        }
        String escape = raw.substring(i + 1, i + 3).toLowerCase(java.util.Locale.ROOT);
        // %2f '/', %5c '\', %2e '.', %00 NUL, %3b ';': each can make a path mean two different things.
        if (escape.equals("2f") || escape.equals("5c") || escape.equals("2e") || escape.equals("00") || escape.equals("3b")
            || escape.equals("7b") || escape.equals("7d")) {
          return Optional.empty();
        }
      }
    }
    if (!escapesSpellUtf8(raw)) {
      return Optional.empty();
    }
    List<String> segments = new ArrayList<>();
    if (raw.length() > 1) {
      for (String part : raw.substring(1).split("/", -1)) {
        if (part.isEmpty() || part.equals(".") || part.equals("..")) {
          return Optional.empty();
        }
        segments.add(part);
      }
    }
    return Optional.of(new RequestPath(raw, List.copyOf(segments)));
  }

  /**
   * Whether the %-escapes spell well-formed UTF-8 (RFC 3986 §2.5, RFC 3629 §3). A lenient decoder
   * upstream reads the overlong {@code %c0%ae} as '.', which would make {@code /public/%c0%ae%c0%ae/x}
   * a dot-dot segment there and not here. Called once every escape is known to be two hex digits.
   */
  private static boolean escapesSpellUtf8(String raw) {
    if (raw.indexOf('%') < 0) {
      return true;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        bytes.write(Integer.parseInt(raw, i + 1, i + 3, 16));
        i += 2;
      } else {
        bytes.write(c);
      }
    }
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean isHex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }
}
