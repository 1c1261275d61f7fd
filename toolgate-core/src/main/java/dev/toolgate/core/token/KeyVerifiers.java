package dev.toolgate.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Nimbus {@link JWSVerifier} per public JWK, built once: building one converts the JWK to a
 * JCA key (and for RSA runs the key checks of {@link KeyPolicy#weakness}), which costs more than
 * a verification. Keyed by JWK value, so a refreshed JWKS with the same keys reuses them. A key
 * whose material is refused is remembered as refused.
 */
final class KeyVerifiers {
  /** Above this many keys the cache starts over; a JWKS that churns must not grow memory. */
  private static final int MAX_ENTRIES = 256;

  /** Either a verifier or the reason there is none. */
  record Entry(JWSVerifier verifier, String refusal) {}

  private final ConcurrentHashMap<JWK, Entry> byKey = new ConcurrentHashMap<>();

  Entry forKey(JWK publicKey) {
    Entry entry = byKey.get(publicKey);
    if (entry != null) {
      return entry;
    }
    if (byKey.size() >= MAX_ENTRIES) {
      byKey.clear();
    }
    return byKey.computeIfAbsent(publicKey, KeyVerifiers::build);
  }

  private static Entry build(JWK publicKey) {
    String weakness = KeyPolicy.weakness(publicKey);
    if (weakness != null) {
      return new Entry(null, weakness);
    }
    try {
      // Public keys only reach this point (KeyPolicy refuses private ones), and each Nimbus
      // verifier accepts only the algorithms of its key type, a second line behind KeyPolicy.
      if (publicKey instanceof RSAKey rsa) {
        return new Entry(new RSASSAVerifier(rsa), null);
      }
      if (publicKey instanceof ECKey ec) {
        return new Entry(new ECDSAVerifier(ec), null);
      }
      if (publicKey instanceof OctetKeyPair okp) {
        return new Entry(new Ed25519Verifier(okp), null);
      }
    } catch (JOSEException | RuntimeException e) {
      return new Entry(null, "it cannot be turned into a verifier");
    }
    return new Entry(null, "its key type is not supported");
  }
}
