package dev.toolgate.server.oauth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import dev.toolgate.core.token.JwtKeys;
import dev.toolgate.core.token.JwtResult;
import dev.toolgate.core.token.JwtRules;
import dev.toolgate.core.token.JwtVerifier;
import dev.toolgate.core.token.KeyRing;
import dev.toolgate.core.token.SigningAlgorithm;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Verifies tokens Toolgate issued itself (access tokens and customer JWTs), against its current key ring. */
public final class OwnTokens {
  /** Longest token Toolgate issues is far below this; anything bigger is not ours. */
  public static final int MAX_TOKEN_CHARS = 8 * 1024;
  public static final Set<JWSAlgorithm> ALGORITHMS = Arrays.stream(SigningAlgorithm.values()).map(SigningAlgorithm::jws).collect(Collectors.toUnmodifiableSet());

  private final JwtVerifier verifier;

  public OwnTokens(Supplier<KeyRing> ring, String issuer, Clock clock) {
    JwtKeys keys = kid -> ring.get().key(kid).map(k -> List.of(k.publicJwk())).orElse(List.of());
    this.verifier = new JwtVerifier(keys,
        new JwtRules(issuer, Set.of(), ALGORITHMS, Set.of(AccessTokenService.AT_JWT, JOSEObjectType.JWT), Duration.ZERO, MAX_TOKEN_CHARS, true), clock);
  }

  public JwtResult verify(String token) {
    return verifier.verify(token);
  }
}
