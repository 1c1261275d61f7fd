package dev.toolgate.core.token;

/**
 * Puts token-supplied values (kid, alg, typ, iss, aud) into failure details. They come from an
 * unauthenticated token, so they are shortened and stripped of anything but printable ASCII: a
 * detail ends up in logs and audit records, and must not carry log injection or a megabyte.
 */
final class Details {
  private static final int MAX = 64;

  private Details() {}

  static String quote(String value) {
    if (value == null) {
      return "(none)";
    }
    StringBuilder out = new StringBuilder(Math.min(value.length(), MAX) + 3).append('\'');
    for (int i = 0; i < value.length() && i < MAX; i++) {
      char c = value.charAt(i);
      out.append(c >= 0x20 && c < 0x7f && c != '\'' ? c : '?');
    }
    if (value.length() > MAX) {
      out.append("...");
    }
    return out.append('\'').toString();
  }
}
