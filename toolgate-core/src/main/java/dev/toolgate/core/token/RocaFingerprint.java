package dev.toolgate.core.token;

import java.math.BigInteger;

/**
 * Detects RSA moduli made by the Infineon library affected by ROCA (CVE-2017-15361), whose
 * private keys can be factored. Such a modulus is, modulo each small prime below, a power of
 * 65537; a random modulus passes this for all 38 primes with negligible probability. This is the
 * fingerprint test published with the attack (Nemec et al., CCS 2017), computed here instead of
 * copied as bit masks.
 */
final class RocaFingerprint {
  private static final int[] PRIMES = {
    3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
    101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167
  };
  private static final boolean[][] POWERS_OF_65537 = new boolean[PRIMES.length][];

  static {
    for (int i = 0; i < PRIMES.length; i++) {
      int p = PRIMES[i];
      boolean[] reachable = new boolean[p];
      int x = 1;
      while (!reachable[x]) {
        reachable[x] = true;
        x = (int) ((long) x * 65537 % p);
      }
      POWERS_OF_65537[i] = reachable;
    }
  }

  private RocaFingerprint() {}

  static boolean matches(BigInteger modulus) {
    for (int i = 0; i < PRIMES.length; i++) {
      int residue = modulus.mod(BigInteger.valueOf(PRIMES[i])).intValue();
      if (!POWERS_OF_65537[i][residue]) {
        return false;
      }
    }
    return true;
  }
}
