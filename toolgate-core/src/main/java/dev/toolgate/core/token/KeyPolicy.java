package dev.toolgate.core.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Set;

/**
 * Which keys may verify which algorithms. The algorithm is pinned to the key, never taken on the
 * token's word: a JWK with an {@code alg} verifies that algorithm only; one without verifies the
 * algorithms of its type and curve. Anything that is not a public signature key is refused, so a
 * secret or private key handed over by mistake never becomes a verifier (the HS256-with-a-public-
 * key confusion needs exactly that).
 */
final class KeyPolicy {
  static final Set<JWSAlgorithm> RSA = Set.of(
      JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);
  /** Every algorithm this verifier can check at all; rules may narrow it, never widen it. */
  static final Set<JWSAlgorithm> SUPPORTED = Set.of(
      JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
      JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.EdDSA);

  static final int MIN_RSA_BITS = 2048;
  /** Verification cost grows with the modulus; a key from a foreign JWKS must not make it unbounded. */
  static final int MAX_RSA_BITS = 8192;
  /** FIPS 186-5 bound; a huge public exponent only slows verification down. */
  static final int MAX_RSA_EXPONENT_BITS = 256;

  /** Why a key may not be used: as key problem (UNKNOWN_KEY) or as algorithm problem (UNSUPPORTED_ALGORITHM). */
  record Refusal(JwtFailure failure, String reason) {}

  private KeyPolicy() {}

  /** The algorithms a key of this type and curve can verify, ignoring its {@code alg}; empty if none. */
  static Set<JWSAlgorithm> algorithmsOf(JWK jwk) {
    if (jwk instanceof RSAKey) {
      return RSA;
    }
    if (jwk instanceof ECKey ec) {
      Curve curve = ec.getCurve();
      if (Curve.P_256.equals(curve)) {
        return Set.of(JWSAlgorithm.ES256);
      }
      if (Curve.P_384.equals(curve)) {
        return Set.of(JWSAlgorithm.ES384);
      }
      if (Curve.P_521.equals(curve)) {
        return Set.of(JWSAlgorithm.ES512);
      }
      return Set.of();
    }
    if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
      return Set.of(JWSAlgorithm.EdDSA);
    }
    return Set.of(); // oct (secret) keys, X25519, Ed448, secp256k1: never verifiers here
  }

  /**
   * Null if {@code jwk} may verify {@code alg} at {@code now}; otherwise why not. Cheap: runs for
   * every candidate of every token. The costlier checks of the key material are {@link #weakness}.
   */
  static Refusal refusal(JWK jwk, JWSAlgorithm alg, Instant now) {
    String name = "key " + Details.quote(jwk.getKeyID());
    if (jwk.isPrivate()) {
      return new Refusal(JwtFailure.UNKNOWN_KEY, name + " is a private or secret key; only public keys verify");
    }
    if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
      return new Refusal(JwtFailure.UNKNOWN_KEY, name + " is not for signatures (use " + Details.quote(jwk.getKeyUse().identifier()) + ")");
    }
    if (jwk.getKeyOperations() != null && !jwk.getKeyOperations().contains(KeyOperation.VERIFY)) {
      return new Refusal(JwtFailure.UNKNOWN_KEY, name + " has key_ops without verify");
    }
    if (jwk.getKeyRevocation() != null) {
      return new Refusal(JwtFailure.UNKNOWN_KEY, name + " is revoked");
    }
    if (jwk.getExpirationTime() != null && now.isAfter(jwk.getExpirationTime().toInstant())) {
      return new Refusal(JwtFailure.UNKNOWN_KEY, name + " has expired");
    }
    if (jwk.getNotBeforeTime() != null && now.isBefore(jwk.getNotBeforeTime().toInstant())) {
      return new Refusal(JwtFailure.UNKNOWN_KEY, name + " is not valid yet");
    }
    Set<JWSAlgorithm> ofType = algorithmsOf(jwk);
    if (ofType.isEmpty()) {
      return new Refusal(JwtFailure.UNKNOWN_KEY, name + " is not a signature key type this verifier supports");
    }
    if (jwk.getAlgorithm() != null && !jwk.getAlgorithm().getName().equals(alg.getName())) {
      return new Refusal(JwtFailure.UNSUPPORTED_ALGORITHM,
          name + " is for " + Details.quote(jwk.getAlgorithm().getName()) + " only, the token says " + alg.getName());
    }
    if (!ofType.contains(alg)) {
      return new Refusal(JwtFailure.UNSUPPORTED_ALGORITHM, name + " cannot verify " + alg.getName());
    }
    return null;
  }

  /** Null if the key material is sound; otherwise what is wrong with it. Checked once per key. */
  static String weakness(JWK jwk) {
    if (!(jwk instanceof RSAKey rsa)) {
      return null; // EC points are checked to be on their curve when Nimbus builds the ECKey
    }
    BigInteger n = rsa.getModulus().decodeToBigInteger();
    BigInteger e = rsa.getPublicExponent().decodeToBigInteger();
    if (n.bitLength() < MIN_RSA_BITS) {
      return "its RSA modulus has " + n.bitLength() + " bits, fewer than " + MIN_RSA_BITS;
    }
    if (n.bitLength() > MAX_RSA_BITS) {
      return "its RSA modulus has more than " + MAX_RSA_BITS + " bits";
    }
    if (e.compareTo(BigInteger.valueOf(3)) < 0 || !e.testBit(0) || e.bitLength() > MAX_RSA_EXPONENT_BITS) {
      return "its RSA public exponent is not an odd number from 3 to 2^256";
    }
    if (RocaFingerprint.matches(n)) {
      return "it is an RSA key with the ROCA weakness (CVE-2017-15361)";
    }
    return null;
  }
}
