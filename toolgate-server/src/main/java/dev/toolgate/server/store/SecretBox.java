package dev.toolgate.server.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts signing secrets and signing keys for storage with AES-256-GCM under the {@link MasterKey}.
 *
 * <p>Signing secrets (a Sendbird master API token, used as an HMAC key) must be recovered in clear
 * to verify signatures, so unlike tokens they cannot be stored as digests. Each value gets a fresh
 * random 12-byte nonce, and the row id is bound in as associated data: a ciphertext copied onto
 * another row fails to decrypt instead of silently becoming that row's key. The master key's id is
 * kept beside the ciphertext so that opening with the wrong key says so plainly.
 */
public final class SecretBox {
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * A sealed value as stored.
   *
   * @param keyId id of the master key that sealed it
   * @param ciphertext base64 of nonce || ciphertext || tag
   */
  public record Sealed(String keyId, String ciphertext) {
    public Sealed {
      Objects.requireNonNull(keyId, "keyId");
      Objects.requireNonNull(ciphertext, "ciphertext");
    }
  }

  private final MasterKey key;

  public SecretBox(MasterKey key) {
    this.key = Objects.requireNonNull(key, "key");
  }

  /** Id of the master key in use. */
  public String keyId() {
    return key.id();
  }

  /** Encrypts {@code plaintext} for the row {@code rowId}. */
  public Sealed seal(String rowId, byte[] plaintext) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.ENCRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(rowId.getBytes(StandardCharsets.UTF_8));
      byte[] encrypted = cipher.doFinal(plaintext);
      byte[] stored = ByteBuffer.allocate(NONCE_BYTES + encrypted.length).put(nonce).put(encrypted).array();
      return new Sealed(key.id(), Base64.getEncoder().encodeToString(stored));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is required by every Java platform", e);
    }
  }

  /**
   * Decrypts the signing secret sealed for {@code rowId}.
   *
   * @throws MasterKeyException if it was sealed under another master key, or does not authenticate
   *     (altered, or moved from another row)
   */
  public byte[] open(String rowId, Sealed sealed) {
    return open("signing secret", rowId, sealed);
  }

  /**
   * Decrypts the value sealed for {@code rowId}; {@code kind} names what it is in messages
   * ("signing secret", "signing key").
   *
   * @throws MasterKeyException if it was sealed under another master key, or does not authenticate
   *     (altered, or moved from another row)
   */
  public byte[] open(String kind, String rowId, Sealed sealed) {
    if (!sealed.keyId().equals(key.id())) {
      throw new MasterKeyException(
          kind + " " + rowId + " was encrypted with master key " + sealed.keyId()
              + "; the key in use is " + key.id() + " from " + key.source()
              + " (set " + MasterKey.ENV_VAR + " or restore the key file)");
    }
    byte[] stored;
    try {
      stored = Base64.getDecoder().decode(sealed.ciphertext());
    } catch (IllegalArgumentException e) {
      throw new MasterKeyException(kind + " " + rowId + " is corrupt: its ciphertext is not valid base64");
    }
    if (stored.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new MasterKeyException(kind + " " + rowId + " is corrupt: its ciphertext is too short");
    }
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.DECRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, stored, 0, NONCE_BYTES));
      cipher.updateAAD(rowId.getBytes(StandardCharsets.UTF_8));
      return cipher.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new MasterKeyException(
          kind + " " + rowId + " does not decrypt under master key " + key.id()
              + ": the stored value was altered or copied from another row");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is required by every Java platform", e);
    }
  }
}
