package dev.toolgate.server.http;

/**
 * A query string the gateway forwards must be one an upstream parses the same way: RFC 3986 query
 * characters only, and every {@code %} followed by two hex digits.
 */
public final class QuerySyntax {
  private QuerySyntax() {}

  public static boolean isValid(String query) {
    if (query == null) {
      return true;
    }
    for (int i = 0; i < query.length(); i++) {
      char c = query.charAt(i);
      if (c < 0x21 || c > 0x7e || "#\"<>\\^`{|}".indexOf(c) >= 0) {
        return false;
      }
      if (c == '%' && (i + 2 >= query.length() || !isHex(query.charAt(i + 1)) || !isHex(query.charAt(i + 2)))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isHex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }
}
