package dev.toolgate.core.credential;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.port.ReplayCache;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;

/**
 * Once-only acceptance of a message whose signature already verified, through {@link ReplayCache}.
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

  /**
   * Null when this is the first use of {@code key} (now recorded until {@code until}); otherwise the
   * refusal: {@code replayed}, or 503 when the cache cannot answer.
   *
   * @param credentialId the secret the signature matched, named in the refusal
   * @param replayDetail the refusal's detail when the key was seen
   */
  static Verification firstUse(ReplayCache cache, String key, Instant until, String credentialId, String replayDetail) {
    boolean first;
    try {
      first = cache.firstUse(key, until);
    } catch (ReplayCache.Unavailable e) {
      return Verification.fail(DenialCode.REPLAY_CACHE_UNAVAILABLE, credentialId,
          "the signature matched signing secret " + credentialId + " but the replay cache could not be asked: " + e.getMessage());
    }
    return first ? null : Verification.fail(DenialCode.REPLAYED, credentialId, replayDetail);
  }
}
