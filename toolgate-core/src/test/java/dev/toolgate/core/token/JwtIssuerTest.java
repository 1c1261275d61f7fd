package dev.toolgate.core.token;

import static dev.toolgate.core.token.TokenTesting.EC;
import static dev.toolgate.core.token.TokenTesting.RSA;
import static dev.toolgate.core.token.TokenTesting.claims;
import static dev.toolgate.core.token.TokenTesting.headerOf;
import static dev.toolgate.core.token.TokenTesting.ring;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.RSAKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class JwtIssuerTest {
  @Test
  void signsWithTheActiveKeyOfTheCurrentRing() {
    AtomicReference<KeyRing> current = new AtomicReference<>(ring(RSA));
    JwtIssuer issuer = new JwtIssuer(current::get);
    assertThat(headerOf(issuer.sign(claims(), AccessTokens.TYPE))).isEqualTo(Map.of("alg", "RS256", "kid", RSA.kid(), "typ", "at+jwt"));
    current.set(ring(EC, RSA));
    assertThat(headerOf(issuer.sign(claims(), JOSEObjectType.JWT))).isEqualTo(Map.of("alg", "ES256", "kid", EC.kid(), "typ", "JWT"));
    current.set(ring(RSA, EC)); // rotated back: the signer is rebuilt, or reused, and still right
    assertThat(TokenTesting.verifier(ring(RSA)).verify(issuer.sign(claims(), AccessTokens.TYPE))).isInstanceOf(JwtResult.Valid.class);
  }

  @Test
  void thePayloadIsTheClaimsSet() {
    String token = new JwtIssuer(() -> ring(RSA)).sign(claims(), AccessTokens.TYPE);
    JwtResult.Valid valid = (JwtResult.Valid) TokenTesting.verifier(ring(RSA)).verify(token);
    assertThat(valid.claims().getClaims().keySet()).containsExactlyInAnyOrder("iss", "sub", "aud", "exp", "iat", "jti", "client_id", "scope");
  }

  @Test
  void concurrentSigningGivesValidTokens() throws Exception {
    JwtIssuer issuer = new JwtIssuer(() -> ring(EC));
    JwtVerifier verifier = TokenTesting.verifier(ring(EC));
    ConcurrentLinkedQueue<String> tokens = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 5; i++) {
          tokens.add(issuer.sign(claims(), AccessTokens.TYPE));
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(tokens).hasSize(20).allMatch(t -> verifier.verify(t) instanceof JwtResult.Valid);
  }

  @Test
  void aKeyWhoseJwkDisagreesWithItsKidDoesNotSign() throws Exception {
    RSAKey otherKid = new RSAKey.Builder(RSA.privateJwk().toRSAKey()).keyID("other").build();
    SigningKey broken = new SigningKey(RSA.kid(), SigningAlgorithm.RS256, otherKid, RSA.createdAt(), null);
    assertThatThrownBy(() -> new JwtIssuer(() -> ring(broken)).sign(claims(), AccessTokens.TYPE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("signing key " + RSA.kid() + " carries kid other");
  }

  @Test
  void aPublicOnlyKeyDoesNotSign() {
    SigningKey publicOnly = new SigningKey(RSA.kid(), SigningAlgorithm.RS256, RSA.publicJwk(), RSA.createdAt(), null);
    assertThatThrownBy(() -> new JwtIssuer(() -> ring(publicOnly)).sign(claims(), AccessTokens.TYPE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("signing key " + RSA.kid() + " has no private part");
  }
}
