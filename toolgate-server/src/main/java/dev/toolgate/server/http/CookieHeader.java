package dev.toolgate.server.http;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading and filtering {@code Cookie} request headers (RFC 6265 §4.2: {@code name=value} pairs
 * separated by {@code ;}; HTTP/2 may split them over several headers), and recognising an
 * upstream's {@code Set-Cookie} that names one of Toolgate's own cookies.
 */
public final class CookieHeader {
  /** Toolgate's own browser cookies are named so, with or without a {@code __Host-}/{@code __Secure-} prefix. */
  private static final String OWN_PREFIX = "toolgate_";

  private CookieHeader() {}

  /** Every non-empty value sent for cookie {@code name} (a cookie set with another path or domain may come too). */
  public static List<String> values(MultiMap headers, String name) {
    List<String> out = new ArrayList<>();
    for (String header : headers.getAll("cookie")) {
      for (String pair : header.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).strip().equals(name)) {
          String value = pair.substring(eq + 1).strip();
          if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
          }
          if (!value.isEmpty()) {
            out.add(value);
          }
        }
      }
    }
    return out;
  }

  /**
   * One {@code Cookie} header's value without Toolgate's own cookies (the console's session, the
   * authorization pages' ones), or null when nothing else is left. An upstream holding the console
   * cookie could open an admin session with it, so it never leaves Toolgate.
   */
  static String withoutOwn(String header) {
    StringBuilder kept = new StringBuilder();
    for (String pair : header.split(";")) {
      String trimmed = pair.strip();
      if (trimmed.isEmpty() || isOwn(trimmed)) {
        continue;
      }
      if (kept.length() > 0) {
        kept.append("; ");
      }
      kept.append(trimmed);
    }
    return kept.length() == 0 ? null : kept.toString();
  }

  /**
   * Whether a {@code Set-Cookie} value sets one of Toolgate's own cookies. An upstream answers on the
   * gateway's host, so its {@code Set-Cookie} reaches the browser there: one naming a console session
   * or an authorization page's CSRF nonce would plant a value the upstream chose.
   */
  static boolean setsOwn(String setCookie) {
    int semicolon = setCookie.indexOf(';');
    return isOwn((semicolon < 0 ? setCookie : setCookie.substring(0, semicolon)).strip());
  }

  private static boolean isOwn(String pair) {
    int eq = pair.indexOf('=');
    String name = (eq < 0 ? pair : pair.substring(0, eq)).strip();
    if (name.startsWith("__Host-")) {
      name = name.substring("__Host-".length());
    } else if (name.startsWith("__Secure-")) {
      name = name.substring("__Secure-".length());
    }
    return name.startsWith(OWN_PREFIX);
  }
}
