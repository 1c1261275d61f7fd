package dev.toolgate.core.secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Comparisons of secrets whose time does not tell how much of a guess was right. */
public final class ConstantTime {
  private ConstantTime() {}

  /** Whether both are present and equal, compared in time independent of where they differ. */
  public static boolean same(String a, String b) {
    return a != null && b != null && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
