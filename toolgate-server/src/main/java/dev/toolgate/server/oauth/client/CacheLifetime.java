package dev.toolgate.server.oauth.client;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * How long a fetched document may be used (RFC 9111 freshness, as the draft asks), bounded by
 * {@code cache_max}. {@code no-store}, {@code no-cache}, {@code max-age=0} or an {@code Expires} in the
 * past: not kept at all. No caching header: {@code cache_min}. Pure.
 */
final class CacheLifetime {
  private CacheLifetime() {}

  /**
   * @param cacheControl the Cache-Control header (all its values joined with commas), or null
   * @param expires the Expires header, or null
   * @param date the Date header, or null
   * @param age the Age header, or null
   * @param pragma the Pragma header, or null (HTTP/1.0's no-cache, when there is no Cache-Control)
   */
  static Duration of(String cacheControl, String expires, String date, String age, String pragma,
      Duration cacheMin, Duration cacheMax, Instant now) {
    Duration fresh = freshness(cacheControl, expires, date, pragma, now);
    // Age: how long the answer already sat in caches on the way (RFC 9111 §4.2.3).
    Duration lifetime = fresh == null ? cacheMin : fresh.minus(seconds(age, Duration.ZERO));
    if (lifetime.isNegative()) {
      return Duration.ZERO;
    }
    return lifetime.compareTo(cacheMax) > 0 ? cacheMax : lifetime;
  }

  /** The answer's own freshness; null when it sets none. */
  private static Duration freshness(String cacheControl, String expires, String date, String pragma, Instant now) {
    Duration maxAge = null;
    Duration sharedMaxAge = null;
    if (cacheControl != null) {
      for (String part : cacheControl.split(",")) {
        String directive = part.strip().toLowerCase(Locale.ROOT);
        int eq = directive.indexOf('=');
        String name = eq < 0 ? directive : directive.substring(0, eq).strip();
        String value = eq < 0 ? null : unquote(directive.substring(eq + 1).strip());
        switch (name) {
          case "no-store", "no-cache" -> {
            return Duration.ZERO;
          }
          // An invalid max-age makes the answer stale (RFC 9111 §4.2.1): kept for no time.
          case "max-age" -> maxAge = seconds(value, Duration.ZERO);
          // Toolgate's cache serves every user: it is a shared cache, for which s-maxage wins.
          case "s-maxage" -> sharedMaxAge = seconds(value, Duration.ZERO);
          default -> { }
        }
      }
    }
    if (sharedMaxAge != null) {
      return sharedMaxAge;
    }
    if (maxAge != null) {
      return maxAge;
    }
    if (expires != null) {
      Instant at = httpDate(expires);
      if (at == null) {
        return Duration.ZERO; // an invalid Expires means already expired (RFC 9111 §5.3)
      }
      Instant base = date == null ? null : httpDate(date);
      return Duration.between(base == null ? now : base, at);
    }
    if (cacheControl == null && pragma != null && pragma.toLowerCase(Locale.ROOT).contains("no-cache")) {
      return Duration.ZERO;
    }
    return null;
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
  }

  /** A delta-seconds value; {@code invalid} when it is not one. Very large values are capped, not refused. */
  private static Duration seconds(String value, Duration invalid) {
    if (value == null || value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return invalid;
    }
    return Duration.ofSeconds(Long.parseLong(value));
  }

  private static Instant httpDate(String value) {
    try {
      return ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
