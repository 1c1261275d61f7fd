package dev.toolgate.server.oauth;

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
public final class ScopeSyntax {
  private ScopeSyntax() {}

  public static boolean isScopeToken(String s) {
    if (s.isEmpty() || s.length() > 200) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c == 0x21 || c >= 0x23 && c <= 0x5b || c >= 0x5d && c <= 0x7e)) {
        return false;
      }
    }
    return true;
  }
}
