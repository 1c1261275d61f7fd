package dev.toolgate.server.store;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.toolgate.core.token.SigningAlgorithm;
import dev.toolgate.core.token.SigningKey;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.Arrays;

/**
 * Makes, seals and opens the private JWKs of {@link SigningKeyStore}. Generation and JSON mapping
 * are plain Nimbus; they can move to the core token package's helper once it exists.
 */
final class SigningKeyMaterial {
  static final String KIND = "signing key";
  private static final int RSA_BITS = 2048;

  private SigningKeyMaterial() {}

  /** A fresh private JWK carrying {@code kid}, {@code alg} and {@code use: sig}. */
  static JWK generate(SigningAlgorithm algorithm, String kid) {
    try {
      return switch (algorithm) {
        case RS256 -> new RSAKeyGenerator(RSA_BITS).keyID(kid).algorithm(algorithm.jws()).keyUse(KeyUse.SIGNATURE).generate();
        case ES256 -> new ECKeyGenerator(Curve.P_256).keyID(kid).algorithm(algorithm.jws()).keyUse(KeyUse.SIGNATURE).generate();
        case EDDSA -> new OctetKeyPairGenerator(Curve.Ed25519).keyID(kid).algorithm(algorithm.jws()).keyUse(KeyUse.SIGNATURE).generate();
      };
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate a " + algorithm.jws().getName() + " key: " + e.getMessage(), e);
    }
  }

  /** The row to store for a new key: private JWK sealed with the kid as associated data. */
  static SigningKeyTable.Row seal(SecretBox box, JWK privateJwk, SigningAlgorithm algorithm, Instant createdAt, Instant activatedAt) {
    byte[] json = privateJwk.toJSONString().getBytes(StandardCharsets.UTF_8);
    try {
      return new SigningKeyTable.Row(
          privateJwk.getKeyID(), algorithm.jws().getName(), box.seal(privateJwk.getKeyID(), json),
          privateJwk.toPublicJWK().toJSONString(), createdAt, activatedAt, null);
    } finally {
      Arrays.fill(json, (byte) 0);
    }
  }

  /**
   * Opens a stored key. The JWK must be private and carry the row's kid and algorithm: the kid is
   * also bound in as associated data, and the algorithm column is checked so that editing it
   * cannot change how the key is used.
   *
   * @throws MasterKeyException if the key cannot be opened with the master key in use, or is not
   *     what the row says
   */
  static SigningKey open(SecretBox box, SigningKeyTable.Row row) {
    SigningAlgorithm algorithm = SigningAlgorithm.parse(row.algorithm())
        .orElseThrow(() -> corrupt(row, "unknown algorithm '" + row.algorithm() + "'"));
    byte[] json = box.open(KIND, row.kid(), row.sealed());
    JWK jwk;
    try {
      jwk = JWK.parse(new String(json, StandardCharsets.UTF_8));
    } catch (ParseException e) {
      throw corrupt(row, "its decrypted value is not a JWK");
    } finally {
      Arrays.fill(json, (byte) 0);
    }
    if (!jwk.isPrivate()) {
      throw corrupt(row, "its JWK has no private part");
    }
    if (!row.kid().equals(jwk.getKeyID())) {
      throw corrupt(row, "its JWK has kid '" + jwk.getKeyID() + "'");
    }
    if (jwk.getAlgorithm() == null || !algorithm.jws().getName().equals(jwk.getAlgorithm().getName())) {
      throw corrupt(row, "its JWK is for algorithm " + jwk.getAlgorithm() + ", the row says " + row.algorithm());
    }
    return new SigningKey(row.kid(), algorithm, jwk, row.createdAt(), row.retiredAt());
  }

  private static MasterKeyException corrupt(SigningKeyTable.Row row, String why) {
    return new MasterKeyException(KIND + " " + row.kid() + " is corrupt: " + why);
  }
}
