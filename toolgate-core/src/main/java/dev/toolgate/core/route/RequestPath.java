package dev.toolgate.core.route;

import dev.toolgate.core.text.StrictUtf8;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The request path as routing sees it. Paths that could route one way here and another way upstream
 * are refused rather than "fixed": dot segments, empty segments, encoded slashes, backslashes,
 * encoded dots, control characters and escapes that are not UTF-8. Routing and forwarding then use the same string.
 * Two more forms ({@link PathAmbiguity}: double encoding, trailing dots) are recorded rather than
 * refused here, because a tool may allow them: the caller refuses them once it knows the route.
 *
 * @param ambiguities the {@link PathAmbiguity} forms this path has; empty for most paths
 */
public record RequestPath(String raw, List<String> segments, Set<PathAmbiguity> ambiguities) {
  /** What a refused path has, for the refusal's detail. */
  public static final String REFUSAL =
      "path has dot segments, empty segments, encoded '/', '\\', '.' or control characters, characters outside RFC 3986, or escapes that are not UTF-8";

  public RequestPath {
    segments = List.copyOf(segments);
    ambiguities = ambiguities.isEmpty() ? Set.of() : Set.copyOf(ambiguities);
  }

  /** Empty when the path is not one Toolgate will route. */
  public static Optional<RequestPath> parse(String raw) {
    if (raw == null || raw.isEmpty() || raw.charAt(0) != '/' || raw.length() > 8192) {
      return Optional.empty();
    }
    Set<PathAmbiguity> ambiguities = EnumSet.noneOf(PathAmbiguity.class);
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
        String escape = raw.substring(i + 1, i + 3).toLowerCase(Locale.ROOT);
        // %2f '/', %5c '\', %2e '.', %3b ';': each can make a path mean two different things. Encoded
        // control characters (%00-%1f, %7f: NUL, CR, LF, ESC...) are no part of a resource's name and
        // reach an upstream's logs and path handling decoded.
        int decoded = Integer.parseInt(escape, 16);
        if (escape.equals("2f") || escape.equals("5c") || escape.equals("2e") || escape.equals("3b")
            || escape.equals("7b") || escape.equals("7d") || decoded < 0x20 || decoded == 0x7f) {
          return Optional.empty();
        }
      }
    }
    if (raw.indexOf('%') >= 0) {
      byte[] decoded = decodedOnce(raw);
      // Escapes must spell well-formed UTF-8 (RFC 3986 §2.5): a lenient decoder upstream reads the
      // overlong %c0%ae as '.', making /public/%c0%ae%c0%ae/x a dot-dot segment there and not here.
      if (StrictUtf8.decode(decoded) == null) {
        return Optional.empty();
      }
      if (hasEscape(decoded)) {
        ambiguities.add(PathAmbiguity.ENCODED_PERCENT);
      }
    }
    List<String> segments = new ArrayList<>();
    if (raw.length() > 1) {
      for (String part : raw.substring(1).split("/", -1)) {
        if (part.isEmpty() || part.equals(".") || part.equals("..")) {
          return Optional.empty();
        }
        if (part.endsWith(".") || part.endsWith("%20")) { // Windows drops trailing dots and spaces
          ambiguities.add(PathAmbiguity.TRAILING_DOT);
        }
        segments.add(part);
      }
    }
    return Optional.of(new RequestPath(raw, segments, ambiguities));
  }

  /** The ambiguities of this path that {@code allowed} does not accept; empty when the call may go on. */
  public Set<PathAmbiguity> refusedUnless(Set<PathAmbiguity> allowed) {
    Set<PathAmbiguity> refused = EnumSet.noneOf(PathAmbiguity.class);
    for (PathAmbiguity a : ambiguities) {
      if (!allowed.contains(a)) {
        refused.add(a);
      }
    }
    return refused;
  }

  /** The path's bytes with each %-escape decoded once. Called once every escape is two hex digits. */
  private static byte[] decodedOnce(String raw) {
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
    return bytes.toByteArray();
  }

  /**
   * True when the path decoded once still holds a {@code %} and two hex digits ({@code %252e}, or
   * {@code %25%32%65}): text that a second decoding would change.
   */
  private static boolean hasEscape(byte[] decoded) {
    for (int i = 0; i + 2 < decoded.length; i++) {
      if (decoded[i] == '%' && isHex((char) decoded[i + 1]) && isHex((char) decoded[i + 2])) {
        return true;
      }
    }
    return false;
  }

  private static boolean isHex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }
}
