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
   * How many parameters have a name that some servers read as {@code name}: the same in another
   * case, or with '.', ' ' or '[' where it has '_' (PHP's renaming). Includes {@code name} itself.
   */
  public static int lookalikes(String rawQuery, String name) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return 0;
    }
    String wanted = folded(name);
    int count = 0;
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      try {
        if (folded(URLDecoder.decode(key, StandardCharsets.UTF_8)).equals(wanted)) {
          count++;
        }
      } catch (IllegalArgumentException e) {
        // malformed escape: not a parameter anyone reads
      }
    }
    return count;
  }

  private static String folded(String name) {
    return name.toLowerCase(java.util.Locale.ROOT).replace('.', '_').replace(' ', '_').replace('[', '_');
  }
}
