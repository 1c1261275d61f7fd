package dev.toolgate.server.http;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: unique, unguessable enough to not be enumerable, cheap (no SecureRandom on the hot
 * path: they are not secrets). 96 random bits after a millisecond prefix so ids sort by time.
 */
public final class RequestIds {
  private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

  private RequestIds() {}

  public static String next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] out = new char[4 + 9 + 20];
    "req_".getChars(0, 4, out, 0);
    long millis = System.currentTimeMillis();
    for (int i = 12; i >= 4; i--) {
      out[i] = ALPHABET[(int) (millis & 31)];
      millis >>>= 5;
    }
    long a = random.nextLong();
    long b = random.nextLong();
    for (int i = 13; i < 33; i++) {
      long source = i < 25 ? a : b;
      out[i] = ALPHABET[(int) (source & 31)];
      if (i < 25) a >>>= 5; else b >>>= 5;
    }
    return new String(out);
  }
}
