package dev.toolgate.core.port;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Instant;
import java.util.Optional;

/**
 * Remembers tokens whose signature and claims already verified, so a token used again costs a map
 * lookup instead of an RSA or ECDSA check. Entries must not outlive the token's {@code exp}.
 * Revocation is not cached here: verifiers ask {@link CredentialDirectory#isRevoked} on every use.
 */
public interface VerifiedTokenCache {
  Optional<JWTClaimsSet> get(String token);

  void put(String token, JWTClaimsSet claims, Instant expiresAt);

  VerifiedTokenCache NONE = new VerifiedTokenCache() {
    @Override
    public Optional<JWTClaimsSet> get(String token) {
      return Optional.empty();
    }

    @Override
    public void put(String token, JWTClaimsSet claims, Instant expiresAt) {}
  };
}
