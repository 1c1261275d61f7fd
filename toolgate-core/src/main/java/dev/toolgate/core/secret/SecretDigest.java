package dev.toolgate.core.secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Digest under which high-entropy secrets (static tokens, API keys) are stored and looked up. A
 * plain SHA-256 is enough: the secrets are 256-bit random, so there is nothing to brute-force, and
 * it costs well under a microsecond on the hot path (a slow password hash here would not add safety).
 */
public final class SecretDigest {
  private SecretDigest() {}

  public static String of(String secret) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
