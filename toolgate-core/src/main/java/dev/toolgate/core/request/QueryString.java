package dev.toolgate.core.request;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads parameters from a raw query string ({@code a=1&b=%20x}). */
public final class QueryString {
  private QueryString() {}

  /** Every decoded value of {@code name}; empty when absent or undecodable. */
  public static List<String> values(String rawQuery, String name) {
    List<String> out = new ArrayList<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return out;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      try {
        if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
          out.add(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      } catch (IllegalArgumentException e) {
        // malformed escape: that parameter does not count
      }
    }
    return out;
  }

  /** The raw query without the parameters named {@code name} (a credential, not to be forwarded); null when nothing is left. */
  public static String without(String rawQuery, String name) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return rawQuery;
    }
    StringBuilder kept = new StringBuilder(rawQuery.length());
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      boolean named;
      try {
        named = URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name);
      } catch (IllegalArgumentException e) {
        named = false; // malformed escape: not that parameter (as in values)
      }
      if (!named) {
        kept.append(kept.isEmpty() ? "" : "&").append(pair);
      }
    }
    return kept.isEmpty() ? null : kept.toString();
  }

  /**
   * The one value of {@code name} the query carries. Ambiguous when the name is sent twice, or when
   * another parameter has a name some server reads as {@code name}, or when the query holds a
   * {@code ;} (a parameter separator to some servers): then Toolgate and the upstream could read
   * different values, so the caller refuses the call rather than pick one. The one rule
   * for every parameter Toolgate reads (identities, user tokens).
   *
   * @param value the decoded value; null when absent or ambiguous
   */
  public record Single(String value, boolean ambiguous) {
    public boolean present() {
      return value != null;
    }
  }

  public static Single single(String rawQuery, String name) {
    if (rawQuery != null && rawQuery.indexOf(';') >= 0) {
      // Rack 2, Go before 1.17, Python before 3.9.2 and Perl's CGI split parameters on ';' too, so
      // "user_id=ada&x=1;user_id=bob" or "jwt=T&x;jwt=F" would be read one way here, another there.
      return new Single(null, true);
    }
    List<String> values = values(rawQuery, name);
    if (values.size() > 1 || lookalikes(rawQuery, name) > values.size()) {
      return new Single(null, true);
    }
    return new Single(values.isEmpty() ? null : values.get(0), false);
  }

  /** How many parameters have a name that some server reads as {@code name} (see {@link #readings}); includes {@code name} itself. */
  static int lookalikes(String rawQuery, String name) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return 0;
    }
    String wanted = folded(name);
    int count = 0;
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      try {
        if (readings(URLDecoder.decode(key, StandardCharsets.UTF_8)).contains(wanted)) {
          count++;
        }
      } catch (IllegalArgumentException e) {
        // malformed escape: not a parameter anyone reads
      }
    }
    return count;
  }

  /**
   * The names servers read a decoded parameter name as, folded: the name itself in any case with
   * whitespace and invisible characters around it trimmed ({@code JWT}, {@code jwt%20}), PHP's
   * renaming of '.', ' ' and '[' to '_' ({@code user.id} is {@code user_id}), and the part before a
   * bracket or a dot, which PHP, Rails and Node's qs read as an array or a nested object of that
   * name ({@code jwt[]}, {@code jwt[x]}, {@code jwt.x}).
   */
  private static java.util.Set<String> readings(String key) {
    int nested = indexOfAny(key, "[.");
    return nested < 0 ? java.util.Set.of(folded(key)) : java.util.Set.of(folded(key), folded(key.substring(0, nested)));
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** Trimmed, case-folded (upper then lower, so the long s and the Kelvin sign fold too), '.', ' ', '[' as '_'. */
  private static String folded(String name) {
    return trimmed(name).toUpperCase(java.util.Locale.ROOT).toLowerCase(java.util.Locale.ROOT)
        .replace('.', '_').replace(' ', '_').replace('[', '_');
  }

  private static String trimmed(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && ignorable(s.charAt(from))) {
      from++;
    }
    while (to > from && ignorable(s.charAt(to - 1))) {
      to--;
    }
    return s.substring(from, to);
  }

  /** Control characters, whitespace and invisible format characters (a BOM, a zero-width space). */
  private static boolean ignorable(char c) {
    return c <= 0x20 || c == 0x7f || Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.getType(c) == Character.FORMAT;
  }
}
