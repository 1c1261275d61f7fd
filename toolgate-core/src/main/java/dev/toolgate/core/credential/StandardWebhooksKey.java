package dev.toolgate.core.credential;

import dev.toolgate.core.port.SigningSecret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A signing secret read the Standard Webhooks way. The store holds the bytes of the string the user
 * gave, and its prefix says what it is:
 *
 * <ul>
 *   <li>{@code whsec_<base64>}: a symmetric secret; the HMAC-SHA256 key of {@code v1} signatures is
 *       the base64 decoding of the part after the prefix;
 *   <li>{@code whpk_<base64>}: an Ed25519 public key (32 bytes) verifying {@code v1a} signatures;
 *   <li>anything else (a Sendbird master token, a Stripe secret used whole): not a Standard Webhooks
 *       secret, skipped.
 * </ul>
 *
 * @param kind what the secret is
 * @param key the HMAC key or the public key (null unless usable)
 * @param problem why a secret with a Standard Webhooks prefix is unusable (null otherwise)
 */
record StandardWebhooksKey(Kind kind, byte[] key, String problem) {
  enum Kind { HMAC, ED25519, OTHER, INVALID }

  static final String SECRET_PREFIX = "whsec_";
  static final String PUBLIC_KEY_PREFIX = "whpk_";
  /** The spec's private-key prefix: it belongs with the sender, never here. */
  static final String PRIVATE_KEY_PREFIX = "whsk_";
  static final int ED25519_PUBLIC_KEY_LENGTH = 32;

  static StandardWebhooksKey of(SigningSecret secret) {
    byte[] raw = secret.key();
    if (startsWith(raw, SECRET_PREFIX)) {
      byte[] key = decode(raw, SECRET_PREFIX.length());
      if (key == null) {
        return invalid("is not valid base64 after " + SECRET_PREFIX);
      }
      if (key.length == 0) {
        return invalid("is empty after " + SECRET_PREFIX);
      }
      return new StandardWebhooksKey(Kind.HMAC, key, null);
    }
    if (startsWith(raw, PUBLIC_KEY_PREFIX)) {
      byte[] key = decode(raw, PUBLIC_KEY_PREFIX.length());
      if (key == null) {
        return invalid("is not valid base64 after " + PUBLIC_KEY_PREFIX);
      }
      if (key.length != ED25519_PUBLIC_KEY_LENGTH) {
        return invalid("is not a 32-byte Ed25519 public key after " + PUBLIC_KEY_PREFIX + " (" + key.length + " bytes)");
      }
      return new StandardWebhooksKey(Kind.ED25519, key, null);
    }
    if (startsWith(raw, PRIVATE_KEY_PREFIX)) {
      return invalid("is an Ed25519 private key (" + PRIVATE_KEY_PREFIX + "): store the public key (" + PUBLIC_KEY_PREFIX
          + ") instead; the private key belongs with the sender only");
    }
    return new StandardWebhooksKey(Kind.OTHER, null, null);
  }

  /** True when the stored value is a public key, which must never serve as an HMAC key: anyone may know it. */
  static boolean isPublicKey(SigningSecret secret) {
    return startsWith(secret.key(), PUBLIC_KEY_PREFIX);
  }

  private static StandardWebhooksKey invalid(String problem) {
    return new StandardWebhooksKey(Kind.INVALID, null, problem);
  }

  private static boolean startsWith(byte[] raw, String prefix) {
    if (raw.length < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (raw[i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Standard base64 (padding optional, as the reference libraries accept), surrounding spaces ignored; null when invalid. */
  private static byte[] decode(byte[] raw, int from) {
    String text = new String(raw, from, raw.length - from, StandardCharsets.US_ASCII).strip();
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
