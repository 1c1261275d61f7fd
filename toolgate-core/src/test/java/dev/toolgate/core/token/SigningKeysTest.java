package dev.toolgate.core.token;

import static dev.toolgate.core.token.TokenTesting.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SigningKeysTest {
  @ParameterizedTest
  @EnumSource(SigningAlgorithm.class)
  void aGeneratedKeyCarriesKidAlgAndUseAndIsOfTheRightKind(SigningAlgorithm algorithm) {
    SigningKey key = SigningKeys.generate(algorithm, NOW);
    JWK jwk = key.privateJwk();
    assertThat(key.kid()).matches("[a-z2-7]{16}");
    assertThat(jwk.getKeyID()).isEqualTo(key.kid());
    assertThat(jwk.getAlgorithm()).isEqualTo(algorithm.jws());
    assertThat(jwk.getKeyUse()).isEqualTo(KeyUse.SIGNATURE);
    assertThat(jwk.isPrivate()).isTrue();
    assertThat(key.algorithm()).isEqualTo(algorithm);
    assertThat(key.retiredAt()).isNull();
    switch (algorithm) {
      case RS256 -> assertThat(((RSAKey) jwk).size()).isEqualTo(2048);
      case ES256 -> assertThat(((ECKey) jwk).getCurve()).isEqualTo(Curve.P_256);
      case EDDSA -> assertThat(((OctetKeyPair) jwk).getCurve()).isEqualTo(Curve.Ed25519);
    }
    String token = TokenTesting.sign(key, TokenTesting.claims());
    assertThat(TokenTesting.verifier(TokenTesting.ring(key)).verify(token)).isInstanceOf(JwtResult.Valid.class);
  }

  @Test
  void generateRecordsTheCreationTime() {
    assertThat(SigningKeys.generate(SigningAlgorithm.ES256, NOW).createdAt()).isEqualTo(NOW);
  }

  @Test
  void theFixedTestKeysAreKeysGenerateCouldHaveMade() {
    for (SigningKey key : java.util.List.of(TokenTesting.RSA, TokenTesting.OLD_RSA)) {
      assertThat(key.kid()).matches("[a-z2-7]{16}");
      assertThat(SigningKeys.problem(key.privateJwk(), SigningAlgorithm.RS256)).isNull();
    }
  }

  @ParameterizedTest
  @EnumSource(SigningAlgorithm.class)
  void thePublishedJwkHasNoPrivatePart(SigningAlgorithm algorithm) {
    JWK published = TokenTesting.key(algorithm).publicJwk();
    assertThat(published.isPrivate()).isFalse();
    assertThat(published.toJSONObject()).doesNotContainKeys("d", "p", "q", "dp", "dq", "qi", "oth", "k");
    assertThat(published.toJSONObject()).containsEntry("kid", TokenTesting.key(algorithm).kid())
        .containsEntry("alg", algorithm.jws().getName()).containsEntry("use", "sig");
    assertThat(new KeyRing(TokenTesting.key(algorithm), java.util.List.of()).jwksJson()).doesNotContain("\"d\"");
  }

  @ParameterizedTest
  @EnumSource(SigningAlgorithm.class)
  void jsonRoundTripGivesBackTheSameKey(SigningAlgorithm algorithm) {
    SigningKey key = TokenTesting.key(algorithm);
    Instant retired = NOW.plusSeconds(5);
    String json = SigningKeys.toJson(key);
    assertThat(json).contains("\"d\"");
    SigningKey back = SigningKeys.fromJson(json, key.createdAt(), retired);
    assertThat(back.kid()).isEqualTo(key.kid());
    assertThat(back.algorithm()).isEqualTo(algorithm);
    assertThat(back.privateJwk()).isEqualTo(key.privateJwk());
    assertThat(back.createdAt()).isEqualTo(key.createdAt());
    assertThat(back.retiredAt()).isEqualTo(retired);
    // and it still signs tokens our verifier accepts
    String token = TokenTesting.sign(back, TokenTesting.claims());
    assertThat(TokenTesting.verifier(TokenTesting.ring(key)).verify(token)).isInstanceOf(JwtResult.Valid.class);
  }

  @Test
  void fromJsonRefusesWhatIsNotAPrivateSigningKeyOfOurs() throws Exception {
    SigningKey rsa = TokenTesting.RSA;
    String publicOnly = rsa.publicJwk().toJSONString();
    String noAlg = new RSAKey.Builder(rsa.privateJwk().toRSAKey()).algorithm(null).build().toJSONString();
    String otherAlg = new RSAKey.Builder(rsa.privateJwk().toRSAKey()).algorithm(JWSAlgorithm.PS256).build().toJSONString();
    String noKid = new RSAKey.Builder(rsa.privateJwk().toRSAKey()).keyID(null).build().toJSONString();
    String encryption = new RSAKey.Builder(rsa.privateJwk().toRSAKey()).keyUse(KeyUse.ENCRYPTION).build().toJSONString();
    String p384 = new ECKeyGenerator(Curve.P_384).keyID("k").algorithm(JWSAlgorithm.ES256).generate().toJSONString();
    String secret = new OctetSequenceKeyGenerator(256).keyID("k").algorithm(JWSAlgorithm.HS256).generate().toJSONString();
    String mislabelled = new RSAKey.Builder(rsa.privateJwk().toRSAKey()).algorithm(JWSAlgorithm.ES256).build().toJSONString();

    assertRefused(publicOnly, "the stored signing key " + rsa.kid() + " has no private part");
    assertRefused(noAlg, "the stored signing key has no alg Toolgate signs with");
    assertRefused(otherAlg, "the stored signing key has no alg Toolgate signs with");
    assertRefused(noKid, "the stored signing key has no kid");
    assertRefused(encryption, "the stored signing key " + rsa.kid() + " is not for signatures");
    assertRefused(p384, "the stored signing key k is not an EC P-256 key");
    assertRefused(secret, "the stored signing key has no alg Toolgate signs with");
    assertRefused(mislabelled, "the stored signing key " + rsa.kid() + " is not an EC P-256 key");
    assertRefused("{\"kty\":\"RSA\",\"d\":\"c2VjcmV0\"}", "the stored signing key is not a valid JWK");
    assertRefused("not json", "the stored signing key is not a valid JWK");
  }

  private static void assertRefused(String json, String message) {
    assertThatThrownBy(() -> SigningKeys.fromJson(json, NOW, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message)
        .hasNoCause();
  }

  @Test
  void kidsAreRandom() {
    Set<String> kids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      kids.add(SigningKeys.newKid());
    }
    assertThat(kids).hasSize(1000).allMatch(k -> k.matches("[a-z2-7]{16}"));
  }

  @Test
  void theKeyNeverAppearsInToString() {
    assertThat(TokenTesting.RSA.toString()).isEqualTo("SigningKey[kid=" + TokenTesting.RSA.kid() + ", alg=RS256]");
  }
}
