package dev.toolgate.core.config;

import java.util.List;
import java.util.Locale;

/**
 * Headers that make some upstream stacks run another method or path than the request line names
 * (Rails, Symfony, Express's method-override, ASP.NET, IIS URL rewriting). Toolgate judges the
 * request line, and GET and POST of one path can be two tools with two policies, so these are not
 * forwarded unless a tool lists them in {@code forward_headers}.
 */
public final class OverrideHeaders {
  /** Lower-case names, in the order the docs list them. */
  public static final List<String> NAMES = List.of(
      "x-http-method-override", "x-http-method", "x-method-override", "x-original-url", "x-rewrite-url");

  private OverrideHeaders() {}

  /** True when {@code name}, in any case and with {@code _} for {@code -}, is one of {@link #NAMES}. */
  public static boolean isOne(String name) {
    return NAMES.contains(name.toLowerCase(Locale.ROOT).replace('_', '-'));
  }
}
