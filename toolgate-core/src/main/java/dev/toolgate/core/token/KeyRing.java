package dev.toolgate.core.token;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Toolgate's signing keys at one moment: the one that signs now, and every key whose tokens may
 * still be alive (the active one included). Immutable; a rotation makes a new ring.
 */
public final class KeyRing {
  private final SigningKey active;
  private final Map<String, SigningKey> published;
  private final JWKSet publicSet;
  /** Public JWKs by kid, made once: verification looks keys up per token. */
  private final Map<String, List<JWK>> publicByKid;

  public KeyRing(SigningKey active, List<SigningKey> published) {
    this.active = active;
    Map<String, SigningKey> byKid = new LinkedHashMap<>();
    byKid.put(active.kid(), active);
    for (SigningKey key : published) {
      byKid.putIfAbsent(key.kid(), key);
    }
    this.published = Map.copyOf(byKid);
    List<JWK> publicKeys = new ArrayList<>();
    Map<String, List<JWK>> publicByKid = new LinkedHashMap<>();
    for (SigningKey key : byKid.values()) {
      JWK publicJwk = key.publicJwk();
      publicKeys.add(publicJwk);
      publicByKid.put(key.kid(), List.of(publicJwk));
    }
    this.publicSet = new JWKSet(publicKeys);
    this.publicByKid = Map.copyOf(publicByKid);
  }

  public SigningKey active() {
    return active;
  }

  public Optional<SigningKey> key(String kid) {
    return Optional.ofNullable(kid == null ? null : published.get(kid));
  }

  /** The JWKS document: public parts only. */
  public JWKSet publicJwkSet() {
    return publicSet;
  }

  public String jwksJson() {
    return publicSet.toString(true);
  }

  /** This ring's published keys as a verifier's key source (public parts only). */
  public JwtKeys asJwtKeys() {
    return this::candidates;
  }

  List<JWK> candidates(String kid) {
    return kid == null ? publicSet.getKeys() : publicByKid.getOrDefault(kid, List.of());
  }
}
