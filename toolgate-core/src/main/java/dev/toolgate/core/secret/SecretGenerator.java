package dev.toolgate.core.secret;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Makes secrets and ids. Secrets carry a recognisable prefix so secret scanners and people can tell
 * what leaked; the random part is 32 bytes from {@link SecureRandom}.
 */
public final class SecretGenerator {
  public static final String STATIC_TOKEN_PREFIX = "tgt_";
  public static final String API_KEY_PREFIX = "tgk_";
  public static final String SIGNING_SECRET_PREFIX = "tgs_";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

  private SecretGenerator() {}

  public static String secret(String prefix) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A short public identifier such as {@code tok_4f9k2m8q1xzd}; safe to log and show. */
  public static String id(String prefix) {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    StringBuilder sb = new StringBuilder(prefix.length() + 1 + bytes.length).append(prefix).append('_');
    for (byte b : bytes) {
      sb.append(ID_ALPHABET[(b & 0xff) % ID_ALPHABET.length]);
    }
    return sb.toString();
  }
}
