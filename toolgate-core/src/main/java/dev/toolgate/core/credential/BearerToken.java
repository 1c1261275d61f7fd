package dev.toolgate.core.credential;

/** Parses {@code Authorization: Bearer <token>} per RFC 6750 §2.1; rejects anything else. */
record BearerToken(String token, String problem) {

  /** The token of the one {@code Authorization: Bearer} header, or the failure to report. */
  record Extracted(String token, Verification failure) {}

  static Extracted fromAuthorization(dev.toolgate.core.request.Headers headers) {
    HeaderValue sent = HeaderValue.single(headers, "authorization");
    switch (sent.problem()) {
      case MISSING -> { return new Extracted(null, Verification.fail(dev.toolgate.core.decision.DenialCode.TOKEN_MISSING, "no Authorization header")); }
      case REPEATED -> { return new Extracted(null, Verification.fail(dev.toolgate.core.decision.DenialCode.TOKEN_INVALID, "Authorization header sent more than once")); }
      case NONE -> { }
    }
    BearerToken bearer = parse(sent.value());
    return bearer.token() == null
        ? new Extracted(null, Verification.fail(dev.toolgate.core.decision.DenialCode.TOKEN_INVALID, bearer.problem()))
        : new Extracted(bearer.token(), null);
  }

  static BearerToken parse(String authorization) {
    int space = authorization.indexOf(' ');
    if (space < 0 || !authorization.regionMatches(true, 0, "Bearer", 0, space) || space != 6) {
      // Never echo what was sent: a caller may have put a secret where the scheme belongs.
      return new BearerToken(null, "Authorization scheme must be Bearer");
    }
    String token = authorization.substring(space + 1);
    if (token.isEmpty() || !isB64Token(token)) {
      return new BearerToken(null, "bearer token has characters RFC 6750 does not allow");
    }
    return new BearerToken(token, null);
  }

  // b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
  private static boolean isB64Token(String s) {
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
          || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
      if (!ok) {
        break;
      }
      i++;
    }
    if (i == 0) {
      return false;
    }
    while (i < n && s.charAt(i) == '=') {
      i++;
    }
    return i == n;
  }
}
