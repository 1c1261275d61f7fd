package dev.toolgate.core.config;

import java.util.Base64;

/**
 * Recognises a secret pasted where a name or a path belongs, so the loader can refuse it without
 * repeating it (it would otherwise end up in an error message, or become the name of a file).
 */
final class PastedSecrets {
  /** The length of a master key: base64 of this many bytes. */
  private static final int MASTER_KEY_BYTES = 32;

  private PastedSecrets() {}

  /** Whether {@code value} is base64 of 32 bytes: a master key (what {@code TOOLGATE_MASTER_KEY} holds), not a file path. */
  static boolean isMasterKey(String value) {
    String text = value.strip();
    if (text.length() != 44 || !text.endsWith("=")) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(text).length == MASTER_KEY_BYTES;
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
  }
}
