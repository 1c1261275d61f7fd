package dev.toolgate.core.credential;

import dev.toolgate.core.config.CredentialKind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Keys for once-only acceptance of a message whose signature already verified (see {@link OneTimeUse}).
 * Keys are {@code <kind>:<client id>:<what identifies the message>}, the variable part digested so a
 * key stays short whatever the caller sent.
 */
final class ReplayGuard {
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  });

  private ReplayGuard() {}

  static String key(CredentialKind kind, String clientId, String what) {
    return kind.yamlName() + ":" + clientId + ":" + what;
  }

  /** Unpadded base64url of the SHA-256 of {@code bytes}: 43 characters. */
  static String digest(byte[] bytes) {
    MessageDigest md = SHA256.get();
    md.reset();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(md.digest(bytes));
  }

  static String digest(String text) {
    return digest(text.getBytes(StandardCharsets.UTF_8));
  }

}
