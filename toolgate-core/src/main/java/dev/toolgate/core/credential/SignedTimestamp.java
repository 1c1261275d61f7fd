package dev.toolgate.core.credential;

import java.time.Duration;
import java.time.Instant;

/**
 * A unix time in whole seconds as a signer wrote it ({@code webhook-timestamp}, Stripe's {@code t=}),
 * and the check that it lies within the tolerance of now, in either direction.
 *
 * @param text the digits exactly as sent: they are part of the signed content
 * @param seconds their value
 */
record SignedTimestamp(String text, long seconds) {
  /** More digits than this cannot be a plausible time (and would overflow); 18 keep every value in a long. */
  private static final int MAX_DIGITS = 18;
  /** Ages are reported up to about 31 years either way. */
  private static final long FAR = 1_000_000_000L;

  /** The timestamp, or null unless {@code text} is 1 to 18 ASCII digits (no sign, no space, no fraction). */
  static SignedTimestamp parse(String text) {
    if (text.isEmpty() || text.length() > MAX_DIGITS) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    return new SignedTimestamp(text, Long.parseLong(text));
  }

  /**
   * Whole seconds from this timestamp to {@code now} (now rounded down, as the Standard Webhooks and
   * Stripe libraries count): positive when it lies in the past. Saturates far from now.
   */
  long ageSeconds(Instant now) {
    long nowSeconds = now.getEpochSecond();
    long age = nowSeconds - seconds; // seconds < 10^18 and |nowSeconds| < 3.2 * 10^16: no overflow
    return Math.max(-FAR, Math.min(FAR, age));
  }

  /** True when {@code |now - timestamp| <= tolerance}, in whole seconds: the edges are inside. */
  boolean within(Instant now, Duration tolerance) {
    long age = ageSeconds(now);
    long tol = tolerance.getSeconds();
    return age <= tol && -age <= tol;
  }

  /** When a message with this timestamp stops being accepted anyway: the end of its window, plus one second. */
  Instant rememberUntil(Duration tolerance) {
    return Instant.ofEpochSecond(seconds).plus(tolerance).plusSeconds(1);
  }

  /** "412 s in the past" / "3600 s in the future", for details. */
  String describeAge(Instant now) {
    long age = ageSeconds(now);
    if (Math.abs(age) == FAR) {
      return age > 0 ? "more than " + FAR + " s in the past" : "more than " + FAR + " s in the future";
    }
    return age >= 0 ? age + " s in the past" : -age + " s in the future";
  }
}
