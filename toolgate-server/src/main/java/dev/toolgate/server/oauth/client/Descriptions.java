package dev.toolgate.server.oauth.client;

/**
 * Makes a library's message fit an OAuth {@code error_description} (RFC 6749 §5.2: %x20-21 / %x23-5B /
 * %x5D-7E): other characters become a space, {@code "} becomes {@code '}, {@code \} becomes {@code /};
 * long messages are cut.
 */
final class Descriptions {
  static final int MAX_LENGTH = 300;

  private Descriptions() {}

  static String safe(String message) {
    if (message == null || message.isBlank()) {
      return "invalid value";
    }
    StringBuilder out = new StringBuilder(Math.min(message.length(), MAX_LENGTH));
    for (int i = 0; i < message.length() && out.length() < MAX_LENGTH; i++) {
      char c = message.charAt(i);
      if (c == '"') {
        out.append('\'');
      } else if (c == '\\') {
        out.append('/');
      } else if (c < 0x20 || c > 0x7e) {
        out.append(' ');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
