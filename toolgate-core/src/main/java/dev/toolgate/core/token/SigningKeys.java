package dev.toolgate.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Instant;
import java.util.Objects;

/**
 * Makes Toolgate's signing keys and maps them to and from the JSON the store encrypts. The JSON
 * is the private JWK alone; when a key was created or retired is the store's bookkeeping (a
 * retirement must not require re-encrypting the key), so {@link #fromJson} takes those times.
 */
public final class SigningKeys {
  public static final int RSA_BITS = 2048;
  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final int KID_CHARS = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private SigningKeys() {}

  /**
   * A new key for {@code algorithm}: RSA 2048, EC P-256 or Ed25519, with a random kid. The JWK
   * carries {@code kid}, {@code alg} and {@code use: sig}, so the published public key says what
   * it verifies and verifiers (ours included) pin the algorithm to it.
   */
  public static SigningKey generate(SigningAlgorithm algorithm, Instant now) {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(now, "now");
    String kid = newKid();
    JWK jwk;
    try {
      jwk = switch (algorithm) {
        case RS256 -> new RSAKeyGenerator(RSA_BITS).keyID(kid).algorithm(algorithm.jws()).keyUse(KeyUse.SIGNATURE).generate();
        case ES256 -> new ECKeyGenerator(Curve.P_256).keyID(kid).algorithm(algorithm.jws()).keyUse(KeyUse.SIGNATURE).generate();
        case EDDSA -> new OctetKeyPairGenerator(Curve.Ed25519).keyID(kid).algorithm(algorithm.jws()).keyUse(KeyUse.SIGNATURE).generate();
      };
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate a " + algorithm.jws().getName() + " key", e);
    }
    return new SigningKey(kid, algorithm, jwk, now, null);
  }

  /** 16 base32 characters: 80 random bits, unique in practice, and safe in URLs, headers and logs. */
  public static String newKid() {
    byte[] bytes = new byte[KID_CHARS * 5 / 8];
    RANDOM.nextBytes(bytes);
    StringBuilder kid = new StringBuilder(KID_CHARS);
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        kid.append(BASE32[(buffer >>> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    return kid.toString();
  }

  /** The private JWK as JSON, for the store to encrypt. It contains the private key: never log it. */
  public static String toJson(SigningKey key) {
    return key.privateJwk().toJSONString();
  }

  /**
   * The key stored as {@link #toJson} JSON. Refuses (IllegalArgumentException) JSON that is not a
   * private signing JWK with a kid and an {@code alg} Toolgate signs with, or whose key type does
   * not fit that {@code alg}. The message never quotes the JSON.
   */
  public static SigningKey fromJson(String privateJwkJson, Instant createdAt, Instant retiredAt) {
    Objects.requireNonNull(createdAt, "createdAt");
    JWK jwk;
    try {
      jwk = JWK.parse(Objects.requireNonNull(privateJwkJson, "privateJwkJson"));
    } catch (ParseException e) {
      throw new IllegalArgumentException("the stored signing key is not a valid JWK"); // no cause: it may quote the key
    }
    SigningAlgorithm algorithm = jwk.getAlgorithm() == null ? null
        : SigningAlgorithm.parse(jwk.getAlgorithm().getName())
            .filter(a -> a.jws().getName().equals(jwk.getAlgorithm().getName()))
            .orElse(null);
    if (algorithm == null) {
      throw new IllegalArgumentException("the stored signing key has no alg Toolgate signs with");
    }
    String problem = problem(jwk, algorithm);
    if (problem != null) {
      String name = jwk.getKeyID() == null ? "the stored signing key " : "the stored signing key " + jwk.getKeyID() + " ";
      throw new IllegalArgumentException(name + problem);
    }
    return new SigningKey(jwk.getKeyID(), algorithm, jwk, createdAt, retiredAt);
  }

  /** Null if {@code jwk} can sign {@code algorithm} as Toolgate's key; otherwise what is wrong. */
  static String problem(JWK jwk, SigningAlgorithm algorithm) {
    if (jwk.getKeyID() == null || jwk.getKeyID().isBlank()) {
      return "has no kid";
    }
    if (!jwk.isPrivate()) {
      return "has no private part";
    }
    if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
      return "is not for signatures";
    }
    if (jwk.getAlgorithm() != null && !algorithm.jws().getName().equals(jwk.getAlgorithm().getName())) {
      return "is for " + jwk.getAlgorithm().getName() + ", not " + algorithm.jws().getName();
    }
    boolean fits = switch (algorithm) {
      case RS256 -> jwk instanceof RSAKey rsa && rsa.size() >= RSA_BITS;
      case ES256 -> jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve());
      case EDDSA -> jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve());
    };
    return fits ? null : "is not an " + describe(algorithm) + " key";
  }

  private static String describe(SigningAlgorithm algorithm) {
    return switch (algorithm) {
      case RS256 -> "RSA (2048 bits or more)";
      case ES256 -> "EC P-256";
      case EDDSA -> "Ed25519";
    };
  }
}
