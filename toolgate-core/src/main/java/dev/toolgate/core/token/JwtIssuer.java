package dev.toolgate.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Signs JWTs with the active key of Toolgate's current {@link KeyRing}. The header is exactly
 * {@code alg} (from the key, not from the caller), {@code kid} and {@code typ}: nothing that a
 * verifier could be tempted to follow.
 *
 * <p>Thread-safe. One Nimbus signer is kept per kid, because building one converts the JWK to a
 * JCA private key, which for RSA costs about as much as a signature. Only the active key signs,
 * so signers of keys that stopped being active are dropped.
 */
public final class JwtIssuer {
  private final Supplier<KeyRing> keys;
  private final ConcurrentHashMap<String, CachedSigner> signers = new ConcurrentHashMap<>();

  private record CachedSigner(JWK jwk, JWSSigner signer) {}

  public JwtIssuer(Supplier<KeyRing> keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  /**
   * @return the compact serialization
   * @throws IllegalStateException if the active key cannot sign (a broken store, not a caller error)
   */
  public String sign(JWTClaimsSet claims, JOSEObjectType type) {
    Objects.requireNonNull(claims, "claims");
    Objects.requireNonNull(type, "type");
    SigningKey key = keys.get().active();
    JWSHeader header = new JWSHeader.Builder(key.algorithm().jws()).keyID(key.kid()).type(type).build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signerFor(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("signing with key " + key.kid() + " failed", e);
    }
    return jwt.serialize();
  }

  private JWSSigner signerFor(SigningKey key) {
    CachedSigner cached = signers.get(key.kid());
    if (cached != null && (cached.jwk() == key.privateJwk() || cached.jwk().equals(key.privateJwk()))) {
      return cached.signer();
    }
    CachedSigner fresh = new CachedSigner(key.privateJwk(), newSigner(key));
    signers.put(key.kid(), fresh);
    signers.keySet().removeIf(kid -> !kid.equals(key.kid()));
    return fresh.signer();
  }

  private static JWSSigner newSigner(SigningKey key) {
    JWK jwk = key.privateJwk();
    String problem = SigningKeys.problem(jwk, key.algorithm());
    if (problem == null && !key.kid().equals(jwk.getKeyID())) {
      problem = "carries kid " + jwk.getKeyID(); // the JWKS publishes the JWK's kid: they must agree
    }
    if (problem != null) {
      throw new IllegalStateException("signing key " + key.kid() + " " + problem);
    }
    try {
      return switch (key.algorithm()) {
        case RS256 -> new RSASSASigner(jwk.toRSAKey());
        case ES256 -> new ECDSASigner(jwk.toECKey());
        case EDDSA -> new Ed25519Signer(jwk.toOctetKeyPair());
      };
    } catch (JOSEException e) {
      throw new IllegalStateException("signing key " + key.kid() + " cannot sign", e);
    }
  }
}
