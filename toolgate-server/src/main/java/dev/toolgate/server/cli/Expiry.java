package dev.toolgate.server.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses {@code --expires} values: a lifetime ({@code 90d}, {@code 12h}, {@code 30m}) or an ISO-8601 instant. */
final class Expiry {
  private static final Pattern LIFETIME = Pattern.compile("([1-9][0-9]{0,6})([dhm])");

  private Expiry() {}

  static Instant parse(String text, Instant now) {
    if (text == null) {
      return null;
    }
    Matcher m = LIFETIME.matcher(text);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration d = switch (m.group(2)) {
        case "d" -> Duration.ofDays(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofMinutes(n);
      };
      return now.plus(d);
    }
    try {
      Instant at = Instant.parse(text);
      if (!at.isAfter(now)) {
        throw new UserError("--expires " + text + " is in the past");
      }
      return at;
    } catch (DateTimeParseException e) {
      throw new UserError("--expires must be a lifetime like 90d, 12h, 30m or an instant like 2027-01-31T00:00:00Z, got '" + text + "'");
    }
  }
}
