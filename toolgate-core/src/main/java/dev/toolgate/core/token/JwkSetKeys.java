package dev.toolgate.core.token;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@link JwtKeys} over a JWKS, such as a trusted external issuer's. The supplier is where fetching,
 * caching and refresh live (outside the core); it is asked once per token.
 */
public record JwkSetKeys(Supplier<JWKSet> jwks) implements JwtKeys {
  public JwkSetKeys {
    Objects.requireNonNull(jwks, "jwks");
  }

  @Override
  public List<JWK> candidates(String kidOrNull) {
    JWKSet set = jwks.get();
    if (set == null) {
      return List.of();
    }
    if (kidOrNull == null) {
      return set.getKeys();
    }
    // All keys with the kid, not just the first (JWKSet.getKeyByKeyId): the verifier must see a
    // duplicate kid to refuse the ambiguity.
    return set.getKeys().stream().filter(k -> kidOrNull.equals(k.getKeyID())).toList();
  }
}
