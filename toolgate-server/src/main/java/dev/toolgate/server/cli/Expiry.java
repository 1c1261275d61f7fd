package dev.toolgate.server.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses lifetimes ({@code 90d}, {@code 12h}, {@code 30m}) and instants for the options that take them. */
final class Expiry {
  private static final Pattern LIFETIME = Pattern.compile("([1-9][0-9]{0,6})([dhm])");

  private Expiry() {}

  /** {@code --expires}: a lifetime from now or an ISO-8601 instant in the future; null when absent. */
  static Instant parse(String text, Instant now) {
    if (text == null) {
      return null;
    }
    if (LIFETIME.matcher(text).matches()) {
      return now.plus(lifetime("--expires", text));
    }
    try {
      Instant at = Instant.parse(text);
      if (!at.isAfter(now)) {
        throw UserError.usage("--expires " + text + " is in the past");
      }
      return at;
    } catch (DateTimeParseException e) {
      throw UserError.usage("--expires must be a lifetime like 90d, 12h, 30m or an instant like 2027-01-31T00:00:00Z, got '" + text + "'");
    }
  }

  /** A lifetime such as {@code 30m}, {@code 24h}, {@code 7d}; the error names {@code option}. */
  static Duration lifetime(String option, String text) {
    Matcher m = LIFETIME.matcher(text);
    if (!m.matches()) {
      throw UserError.usage(option + " must be a duration like 30m, 24h or 7d (at most 7 digits), got '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "d" -> Duration.ofDays(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofMinutes(n);
    };
  }
}
