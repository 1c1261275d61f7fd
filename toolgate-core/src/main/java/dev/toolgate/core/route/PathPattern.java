package dev.toolgate.core.route;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A route path such as {@code /users/{user_id}/orders} or {@code /files/**}. Segments are literal,
 * a {@code {name}} parameter matching exactly one non-empty segment, or a final {@code **} matching
 * the rest (zero or more segments). Matching works on an already normalised path (see {@link RequestPath}).
 */
public final class PathPattern {
  private sealed interface Segment permits Literal, Param, Rest {}
  private record Literal(String text) implements Segment {}
  private record Param(String name) implements Segment {}
  private record Rest() implements Segment {}

  private final String text;
  private final List<Segment> segments;

  private PathPattern(String text, List<Segment> segments) {
    this.text = text;
    this.segments = segments;
  }

  /** Parses a pattern; the message of the exception says what is wrong, for config errors. */
  public static PathPattern parse(String text) {
    if (text == null || !text.startsWith("/")) {
      throw new IllegalArgumentException("must start with '/'");
    }
    List<Segment> segments = new ArrayList<>();
    List<String> names = new ArrayList<>();
    String[] parts = text.substring(1).split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      boolean last = i == parts.length - 1;
      if (part.isEmpty()) {
        if (last && parts.length == 1) {
          break; // the root pattern "/"
        }
        throw new IllegalArgumentException("empty segment (double or trailing '/')");
      }
      if (part.equals("**")) {
        if (!last) {
          throw new IllegalArgumentException("'**' is only allowed as the last segment");
        }
        segments.add(new Rest());
      } else if (part.startsWith("{") && part.endsWith("}")) {
        String name = part.substring(1, part.length() - 1);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
          throw new IllegalArgumentException("bad parameter name '" + name + "'");
        }
        if (names.contains(name)) {
          throw new IllegalArgumentException("parameter '" + name + "' appears twice");
        }
        names.add(name);
        segments.add(new Param(name));
      } else if (part.contains("{") || part.contains("}") || part.contains("*")) {
        throw new IllegalArgumentException("segment '" + part + "' mixes literal text with '{', '}' or '*'");
      } else if (part.equals(".") || part.equals("..") || part.contains("%")) {
        throw new IllegalArgumentException("segment '" + part + "' must be plain text (no dot segments or percent-encoding)");
      } else {
        segments.add(new Literal(part));
      }
    }
    return new PathPattern(text, List.copyOf(segments));
  }

  /** Path parameters when {@code segmentsOfPath} matches, otherwise null. */
  public Map<String, String> match(List<String> pathSegments) {
    Map<String, String> params = null;
    int n = segments.size();
    for (int i = 0; i < n; i++) {
      Segment s = segments.get(i);
      if (s instanceof Rest) {
        return params == null ? Map.of() : params;
      }
      if (i >= pathSegments.size()) {
        return null;
      }
      String actual = pathSegments.get(i);
      if (s instanceof Literal literal) {
        if (!literal.text().equals(actual)) {
          return null;
        }
      } else if (s instanceof Param param) {
        if (params == null) {
          params = new LinkedHashMap<>(4);
        }
        params.put(param.name(), actual);
      }
    }
    if (pathSegments.size() != n) {
      return null;
    }
    return params == null ? Map.of() : Collections.unmodifiableMap(params);
  }

  /** True when some path would match both patterns: such routes are ambiguous and refused at start. */
  public boolean overlaps(PathPattern other) {
    List<Segment> a = segments;
    List<Segment> b = other.segments;
    for (int i = 0; ; i++) {
      boolean aEnd = i >= a.size();
      boolean bEnd = i >= b.size();
      if (!aEnd && a.get(i) instanceof Rest || !bEnd && b.get(i) instanceof Rest) {
        return true;
      }
      if (aEnd || bEnd) {
        return aEnd && bEnd;
      }
      if (a.get(i) instanceof Literal la && b.get(i) instanceof Literal lb && !la.text().equals(lb.text())) {
        return false;
      }
    }
  }

  public List<String> parameterNames() {
    return segments.stream().filter(s -> s instanceof Param).map(s -> ((Param) s).name()).toList();
  }

  @Override
  public String toString() {
    return text;
  }
}
