package dev.toolgate.server.oauth.authorize;

/**
 * Escapes text for HTML element content and double- or single-quoted attribute values. Everything a
 * page shows that did not come from this package (client names from a metadata document, scopes,
 * state, usernames) goes through here.
 */
final class Html {
  private Html() {}

  /**
   * {@code & < > " '} become character references; control characters (other than tab, line feed
   * and carriage return) and lone surrogates, which HTML parsers treat as errors, become U+FFFD.
   * Null is the empty string.
   */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
            out.append(c).append(text.charAt(++i));
          } else if (Character.isSurrogate(c) || isControl(c)) {
            out.append('\uFFFD');
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  private static boolean isControl(char c) {
    return c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c >= 0x7f && c <= 0x9f;
  }
}
