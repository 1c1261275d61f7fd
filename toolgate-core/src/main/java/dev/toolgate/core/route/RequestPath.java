package dev.toolgate.core.route;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The request path as routing sees it. Paths that could route one way here and another way upstream
 * are refused rather than "fixed": dot segments, empty segments, encoded slashes, backslashes,
 * encoded dots and control characters. Routing and forwarding then use the same string.
 * Two more forms ({@link PathAmbiguity}: double encoding, trailing dots) are recorded rather than
 * refused here, because a tool may allow them: the caller refuses them once it knows the route.
 *
 * @param ambiguities the {@link PathAmbiguity} forms this path has; empty for most paths
 */
public record RequestPath(String raw, List<String> segments, Set<PathAmbiguity> ambiguities) {
  /** What a refused path has, for the refusal's detail. */
  public static final String REFUSAL = "path has dot segments, empty segments, encoded '/', '\\' or '.', or characters outside RFC 3986";

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
        // %2f '/', %5c '\', %2e '.', %00 NUL, %3b ';': each can make a path mean two different things.
        if (escape.equals("2f") || escape.equals("5c") || escape.equals("2e") || escape.equals("00") || escape.equals("3b")
            || escape.equals("7b") || escape.equals("7d")) {
          return Optional.empty();
        }
      }
    }
    if (decodedOnceHasEscape(raw)) {
      ambiguities.add(PathAmbiguity.ENCODED_PERCENT);
    }
    List<String> segments = new ArrayList<>();
    if (raw.length() > 1) {
      for (String part : raw.substring(1).split("/", -1)) {
        if (part.isEmpty() || part.equals(".") || part.equals("..")) {
          return Optional.empty();
        }
        if (part.endsWith(".")) {
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

  /**
   * True when decoding the path once leaves a {@code %} and two hex digits ({@code %252e}, or
   * {@code %25%32%65}): text that a second decoding would change. Called on a path whose escapes
   * are all well formed.
   */
  private static boolean decodedOnceHasEscape(String raw) {
    StringBuilder once = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        once.append((char) Integer.parseInt(raw, i + 1, i + 3, 16));
        i += 2;
      } else {
        once.append(c);
      }
    }
    for (int i = 0; i + 2 < once.length(); i++) {
      if (once.charAt(i) == '%' && isHex(once.charAt(i + 1)) && isHex(once.charAt(i + 2))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isHex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }
}
