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
 *
 * <p>While the master key is rotated, a box also holds the previous key: a value is opened with
 * whichever of the two keys its stored key id names, and new values are always sealed under the
 * current key.
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
  private final MasterKey previous;

  public SecretBox(MasterKey key) {
    this(key, null);
  }

  /** A box that seals under {@code key} and also opens values sealed under {@code previous} (null for none). */
  public SecretBox(MasterKey key, MasterKey previous) {
    this.key = Objects.requireNonNull(key, "key");
    this.previous = previous;
  }

  /** Id of the master key in use: the one new values are sealed under. */
  public String keyId() {
    return key.id();
  }

  /** Id of the previous master key, which only opens, or null when none is held. */
  public String previousKeyId() {
    return previous == null ? null : previous.id();
  }

  /** Whether this box holds the master key with this id (current or previous). */
  public boolean holds(String keyId) {
    return key.id().equals(keyId) || (previous != null && previous.id().equals(keyId));
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
    MasterKey opener = sealed.keyId().equals(key.id()) ? key
        : previous != null && sealed.keyId().equals(previous.id()) ? previous : null;
    if (opener == null) {
      throw new MasterKeyException(
          kind + " " + rowId + " was encrypted with master key " + sealed.keyId()
              + (previous == null
                  ? "; the key in use is " + key.id() + " from " + key.source()
                  : "; the keys in use are " + key.id() + " from " + key.source() + " and (previous) " + previous.id() + " from " + previous.source())
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
      cipher.init(Cipher.DECRYPT_MODE, opener.secretKey(), new GCMParameterSpec(TAG_BITS, stored, 0, NONCE_BYTES));
      cipher.updateAAD(rowId.getBytes(StandardCharsets.UTF_8));
      return cipher.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new MasterKeyException(
          kind + " " + rowId + " does not decrypt under master key " + opener.id()
              + ": the stored value was altered or copied from another row");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is required by every Java platform", e);
    }
  }
}
