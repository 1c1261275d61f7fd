package dev.toolgate.core.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations ({@code 250ms}, {@code 10s}, {@code 2m}, {@code 1h}) and byte sizes ({@code 1048576}, {@code 512KiB}, {@code 1MiB}). */
final class Units {
  private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m|h)");
  private static final Pattern SIZE = Pattern.compile("([0-9]+)(B|KiB|MiB|GiB)?");
  private static final String DURATION_HELP = "use a whole number followed by ms, s, m or h, e.g. 250ms, 10s, 2m";
  private static final String SIZE_HELP = "use a whole number of bytes, or one followed by B, KiB, MiB or GiB, e.g. 512KiB, 1MiB";

  private Units() {}

  /** Whether {@code text} is a duration of zero written with a unit ({@code 0ms}, {@code 0s}). */
  static boolean isZeroDuration(String text) {
    return text.matches("0+(ms|s|m|h)");
  }

  /** A positive duration; the exception message is a complete sentence for a config error. */
  static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      if (text.matches("[0-9]+")) {
        throw new IllegalArgumentException("duration " + Yaml.quote(text) + " has no unit (" + DURATION_HELP + ")");
      }
      throw new IllegalArgumentException("invalid duration " + Yaml.quote(text) + " (" + DURATION_HELP + ")");
    }
    long amount;
    try {
      amount = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("duration " + Yaml.quote(text) + " is too large");
    }
    if (amount == 0) {
      throw new IllegalArgumentException("duration must be positive, got " + Yaml.quote(text));
    }
    try {
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("duration " + Yaml.quote(text) + " is too large");
    }
  }

  /** A duration as this file writes it, in the largest unit that divides it: {@code 24h}, {@code 90m}, {@code 1500ms}. */
  static String format(Duration d) {
    long seconds = d.getSeconds();
    if (d.getNano() != 0) {
      return (seconds * 1000 + d.getNano() / 1_000_000) + "ms";
    }
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }

  /** A positive number of bytes; the exception message is a complete sentence for a config error. */
  static long parseSize(String text) {
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("invalid size " + Yaml.quote(text) + " (" + SIZE_HELP + ")");
    }
    long amount;
    try {
      amount = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("size " + Yaml.quote(text) + " is too large");
    }
    if (amount == 0) {
      throw new IllegalArgumentException("size must be positive, got " + Yaml.quote(text));
    }
    String unit = m.group(2) == null ? "B" : m.group(2);
    int shift = switch (unit) {
      case "KiB" -> 10;
      case "MiB" -> 20;
      case "GiB" -> 30;
      default -> 0;
    };
    if (amount > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("size " + Yaml.quote(text) + " is too large");
    }
    return amount << shift;
  }
}
