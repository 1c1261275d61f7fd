package dev.toolgate.core.token;

import static dev.toolgate.core.token.TokenTesting.AUDIENCE;
import static dev.toolgate.core.token.TokenTesting.CLOCK;
import static dev.toolgate.core.token.TokenTesting.EC;
import static dev.toolgate.core.token.TokenTesting.ISSUER;
import static dev.toolgate.core.token.TokenTesting.NOW;
import static dev.toolgate.core.token.TokenTesting.OLD_RSA;
import static dev.toolgate.core.token.TokenTesting.OUR_ALGORITHMS;
import static dev.toolgate.core.token.TokenTesting.RSA;
import static dev.toolgate.core.token.TokenTesting.b64;
import static dev.toolgate.core.token.TokenTesting.claims;
import static dev.toolgate.core.token.TokenTesting.claimsBuilder;
import static dev.toolgate.core.token.TokenTesting.forge;
import static dev.toolgate.core.token.TokenTesting.headerOf;
import static dev.toolgate.core.token.TokenTesting.ring;
import static dev.toolgate.core.token.TokenTesting.sign;
import static dev.toolgate.core.token.TokenTesting.verifier;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Tokens Toolgate signs, and the claim rules: what a valid token is, and each way it stops being one. */
class JwtVerifierTest {
  private final JwtVerifier verifier = verifier(ring(RSA));

  @ParameterizedTest
  @EnumSource(SigningAlgorithm.class)
  void aTokenSignedWithEachAlgorithmVerifies(SigningAlgorithm algorithm) {
    SigningKey key = TokenTesting.key(algorithm);
    JWTClaimsSet claims = claims();
    String token = sign(key, claims);

    JwtResult result = verifier(ring(key)).verify(token);

    assertThat(result).isInstanceOf(JwtResult.Valid.class);
    JwtResult.Valid valid = (JwtResult.Valid) result;
    assertThat(valid.kid()).isEqualTo(key.kid());
    assertThat(valid.algorithm()).isEqualTo(algorithm.jws());
    assertThat(valid.claims().getJWTID()).isEqualTo(claims.getJWTID());
    assertThat(valid.claims().getClaim("client_id")).isEqualTo("cli_demo");
    assertThat(valid.claims().getClaim("scope")).isEqualTo("orders:read");
  }

  @ParameterizedTest
  @EnumSource(SigningAlgorithm.class)
  void theHeaderHasExactlyAlgKidAndTyp(SigningAlgorithm algorithm) {
    SigningKey key = TokenTesting.key(algorithm);
    Map<String, Object> header = headerOf(sign(key, claims()));
    assertThat(header).containsOnly(
        Map.entry("alg", algorithm.jws().getName()), Map.entry("kid", key.kid()), Map.entry("typ", "at+jwt"));
  }

  @Test
  void aTokenOfAnOlderPublishedKeyStillVerifiesAfterRotationUntilTheKeyIsDropped() {
    AtomicReference<KeyRing> current = new AtomicReference<>(ring(OLD_RSA));
    JwtIssuer issuer = new JwtIssuer(current::get);
    JwtVerifier rotating = new JwtVerifier(JwtKeys.fromKeyRing(current::get), TokenTesting.rules(), CLOCK);
    String before = issuer.sign(claims(), AccessTokens.TYPE);
    assertThat(rotating.verify(before)).isInstanceOf(JwtResult.Valid.class);

    current.set(ring(RSA, OLD_RSA)); // rotated: RSA signs, OLD_RSA stays published
    String after = issuer.sign(claims(), AccessTokens.TYPE);
    assertThat(headerOf(after)).containsEntry("kid", RSA.kid());
    assertThat(rotating.verify(before)).isInstanceOf(JwtResult.Valid.class);
    assertThat(rotating.verify(after)).isInstanceOf(JwtResult.Valid.class);

    current.set(ring(RSA)); // OLD_RSA's tokens have all expired: it leaves the JWKS
    assertThat(rotating.verify(before)).isEqualTo(invalid(JwtFailure.UNKNOWN_KEY, "no key has kid '" + OLD_RSA.kid() + "'"));
    assertThat(rotating.verify(after)).isInstanceOf(JwtResult.Valid.class);
  }

  @Test
  void rotatingToAnotherAlgorithmKeepsBothVerifiable() {
    AtomicReference<KeyRing> current = new AtomicReference<>(ring(RSA));
    JwtIssuer issuer = new JwtIssuer(current::get);
    JwtVerifier rotating = new JwtVerifier(JwtKeys.fromKeyRing(current::get), TokenTesting.rules(), CLOCK);
    String rsaToken = issuer.sign(claims(), AccessTokens.TYPE);
    current.set(ring(EC, RSA));
    String ecToken = issuer.sign(claims(), AccessTokens.TYPE);
    assertThat(headerOf(ecToken)).containsEntry("alg", "ES256");
    assertThat(rotating.verify(rsaToken)).isInstanceOf(JwtResult.Valid.class);
    assertThat(rotating.verify(ecToken)).isInstanceOf(JwtResult.Valid.class);
  }

  @Test
  void expiryAllowsTheClockSkewAndNoMore() {
    assertThat(verifier.verify(sign(RSA, claimsBuilder().expirationTime(Date.from(NOW.minusSeconds(60))).build())))
        .isInstanceOf(JwtResult.Valid.class);
    JwtResult expired = verifier.verify(sign(RSA, claimsBuilder().expirationTime(Date.from(NOW.minusSeconds(61))).build()));
    assertThat(expired).isEqualTo(invalid(JwtFailure.EXPIRED, "the token expired at 2026-11-21T11:58:59Z"));
  }

  @Test
  void aTokenWithoutExpIsRefused() {
    JwtResult result = verifier.verify(sign(RSA, claimsBuilder().expirationTime(null).build()));
    assertThat(result).isEqualTo(invalid(JwtFailure.MISSING_CLAIM, "the token has no exp"));
  }

  @Test
  void notBeforeInTheFutureBeyondTheSkewIsRefused() {
    assertThat(verifier.verify(sign(RSA, claimsBuilder().notBeforeTime(Date.from(NOW.plusSeconds(60))).build())))
        .isInstanceOf(JwtResult.Valid.class);
    assertThat(verifier.verify(sign(RSA, claimsBuilder().notBeforeTime(Date.from(NOW.plusSeconds(120))).build())))
        .isEqualTo(invalid(JwtFailure.NOT_YET_VALID, "the token is not valid before 2026-11-21T12:02:00Z"));
  }

  @Test
  void issuedAtInTheFutureBeyondTheSkewIsRefused() {
    assertThat(verifier.verify(sign(RSA, claimsBuilder().issueTime(Date.from(NOW.plusSeconds(45))).build())))
        .isInstanceOf(JwtResult.Valid.class);
    assertThat(verifier.verify(sign(RSA, claimsBuilder().issueTime(Date.from(NOW.plusSeconds(3600))).build())))
        .isEqualTo(invalid(JwtFailure.NOT_YET_VALID, "the token was issued in the future, at 2026-11-21T13:00:00Z"));
  }

  @Test
  void theIssuerMustMatchExactly() {
    assertThat(verifier.verify(sign(RSA, claimsBuilder().issuer("https://evil.example").build())))
        .isEqualTo(invalid(JwtFailure.WRONG_ISSUER, "issuer 'https://evil.example' is not 'https://toolgate.example'"));
    assertThat(verifier.verify(sign(RSA, claimsBuilder().issuer(ISSUER + "/").build())))
        .extracting(r -> ((JwtResult.Invalid) r).failure()).isEqualTo(JwtFailure.WRONG_ISSUER);
    assertThat(verifier.verify(sign(RSA, claimsBuilder().issuer(null).build())))
        .isEqualTo(invalid(JwtFailure.WRONG_ISSUER, "issuer (none) is not 'https://toolgate.example'"));
  }

  @Test
  void anIssuerOfNullInTheRulesIsNotChecked() {
    JwtRules anyIssuer = new JwtRules(null, Set.of(AUDIENCE), OUR_ALGORITHMS, Set.of(AccessTokens.TYPE), Duration.ZERO, 8192, true);
    JwtResult result = new JwtVerifier(ring(RSA).asJwtKeys(), anyIssuer, CLOCK)
        .verify(sign(RSA, claimsBuilder().issuer("https://elsewhere.example").build()));
    assertThat(result).isInstanceOf(JwtResult.Valid.class);
  }

  @Test
  void anyOneAcceptedAudienceSuffices() {
    assertThat(verifier.verify(sign(RSA, claimsBuilder().audience(List.of("https://other.example", AUDIENCE)).build())))
        .isInstanceOf(JwtResult.Valid.class);
    assertThat(verifier.verify(sign(RSA, claimsBuilder().audience("https://other.example").build())))
        .isEqualTo(invalid(JwtFailure.WRONG_AUDIENCE, "audience 'https://other.example' is not one accepted here"));
    assertThat(verifier.verify(sign(RSA, claimsBuilder().audience((String) null).build())))
        .isEqualTo(invalid(JwtFailure.WRONG_AUDIENCE, "the token has no aud"));
  }

  @Test
  void aMissingJtiIsRefusedOnlyWhenTheRulesRequireIt() {
    String token = sign(RSA, claimsBuilder().jwtID(null).build());
    assertThat(verifier.verify(token)).isEqualTo(invalid(JwtFailure.MISSING_CLAIM, "the token has no jti"));
    JwtRules noJti = new JwtRules(ISSUER, Set.of(AUDIENCE), OUR_ALGORITHMS, Set.of(AccessTokens.TYPE), Duration.ZERO, 8192, false);
    assertThat(new JwtVerifier(ring(RSA).asJwtKeys(), noJti, CLOCK).verify(token)).isInstanceOf(JwtResult.Valid.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"at+jwt", "application/at+jwt", "AT+JWT", "Application/At+Jwt"})
  void typMatchesCaseInsensitivelyWithOrWithoutTheApplicationPrefix(String typ) {
    String token = new JwtIssuer(() -> ring(RSA)).sign(claims(), new JOSEObjectType(typ));
    assertThat(verifier.verify(token)).isInstanceOf(JwtResult.Valid.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"JWT", "application/jwt", "at+jwt+x", "application/at+jwt;x=1", "at+jwt ", "secevent+jwt"})
  void anotherTypIsRefusedWhenAtJwtIsRequired(String typ) {
    String token = new JwtIssuer(() -> ring(RSA)).sign(claims(), new JOSEObjectType(typ));
    JwtResult result = verifier.verify(token);
    assertThat(result).isInstanceOf(JwtResult.Invalid.class);
    assertThat(((JwtResult.Invalid) result).failure()).isEqualTo(JwtFailure.WRONG_TYPE);
    assertThat(((JwtResult.Invalid) result).detail()).endsWith(" is not at+jwt");
  }

  @Test
  void aTokenWithoutTypIsRefusedWhenATypeIsRequiredAndAcceptedWhenNot() {
    String noTyp = forge("{\"alg\":\"RS256\",\"kid\":\"" + RSA.kid() + "\"}", claims().toString(), RSA.privateJwk());
    assertThat(verifier.verify(noTyp)).isEqualTo(invalid(JwtFailure.WRONG_TYPE, "the header has no typ; expected at+jwt"));
    JwtRules anyType = new JwtRules(ISSUER, Set.of(AUDIENCE), OUR_ALGORITHMS, Set.of(), Duration.ZERO, 8192, true);
    assertThat(new JwtVerifier(ring(RSA).asJwtKeys(), anyType, CLOCK).verify(noTyp)).isInstanceOf(JwtResult.Valid.class);
  }

  @Test
  void severalAcceptedTypesAreListedInTheDetail() {
    JwtRules two = new JwtRules(ISSUER, Set.of(AUDIENCE), OUR_ALGORITHMS, Set.of(AccessTokens.TYPE, JOSEObjectType.JWT), Duration.ZERO, 8192, true);
    JwtVerifier either = new JwtVerifier(ring(RSA).asJwtKeys(), two, CLOCK);
    assertThat(either.verify(new JwtIssuer(() -> ring(RSA)).sign(claims(), JOSEObjectType.JWT))).isInstanceOf(JwtResult.Valid.class);
    assertThat(either.verify(new JwtIssuer(() -> ring(RSA)).sign(claims(), new JOSEObjectType("dpop+jwt"))))
        .isEqualTo(invalid(JwtFailure.WRONG_TYPE, "typ 'dpop+jwt' is not at+jwt or jwt"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "[{\"exp\":1900000000}]", "\"a string\"", "42", "null", "{\"exp\":1900000000", "",
    "{\"exp\":\"1900000000\"}", "{\"exp\":1e300}", "{\"exp\":1900000000,\"nbf\":true}", "{\"exp\":1900000000,\"iat\":-1e20}",
    "{\"exp\":1900000000,\"aud\":42}", "{\"exp\":1900000000,\"aud\":[\"a\",1]}", "{\"exp\":1900000000,\"iss\":{}}",
    "{\"exp\":1900000000,\"jti\":7}", "{\"exp\":1900000000,\"exp\":1900000001}"
  })
  void aSignedPayloadThatIsNotAJwtClaimsSetIsMalformed(String payload) {
    String token = forge("{\"alg\":\"RS256\",\"kid\":\"" + RSA.kid() + "\",\"typ\":\"at+jwt\"}", payload, RSA.privateJwk());
    JwtResult result = verifier.verify(token);
    assertThat(result).isInstanceOf(JwtResult.Invalid.class);
    assertThat(((JwtResult.Invalid) result).failure()).isEqualTo(JwtFailure.MALFORMED);
  }

  @Test
  void aPayloadThatIsNotUtf8IsMalformed() {
    String header = b64("{\"alg\":\"RS256\",\"kid\":\"" + RSA.kid() + "\",\"typ\":\"at+jwt\"}");
    String payload = b64(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, (byte) 0x28, '"', '}'});
    String input = header + "." + payload;
    String token = forgeWithInput(input);
    assertThat(verifier.verify(token)).isEqualTo(invalid(JwtFailure.MALFORMED, "the payload is not a JSON object"));
  }

  @Test
  void failureDetailsNeverCarryTheTokenOrSecretClaimValues() {
    String secret = "s3cret-customer-4711";
    JWTClaimsSet withSecret = claimsBuilder().subject(secret).claim("customer", secret).claim("scope", secret).build();
    List<String> tokens = List.of(
        sign(RSA, new JWTClaimsSet.Builder(withSecret).expirationTime(Date.from(NOW.minusSeconds(3600))).build()),
        sign(RSA, new JWTClaimsSet.Builder(withSecret).audience("elsewhere").build()),
        sign(RSA, new JWTClaimsSet.Builder(withSecret).issuer("elsewhere").build()),
        sign(RSA, new JWTClaimsSet.Builder(withSecret).jwtID(null).build()),
        sign(OLD_RSA, withSecret));
    for (String token : tokens) {
      JwtResult result = verifier.verify(token);
      assertThat(result).isInstanceOf(JwtResult.Invalid.class);
      String detail = ((JwtResult.Invalid) result).detail();
      assertThat(detail).doesNotContain(secret).doesNotContain(token).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
    }
  }

  @Test
  void theVerifierIsSafeToShareAcrossThreads() throws Exception {
    List<String> tokens = List.of(sign(RSA, claims()), sign(EC, claims()), sign(TokenTesting.ED, claims()));
    JwtVerifier shared = verifier(ring(RSA, EC, TokenTesting.ED));
    List<Thread> threads = new java.util.ArrayList<>();
    java.util.concurrent.atomic.AtomicInteger valid = new java.util.concurrent.atomic.AtomicInteger();
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 9; i++) {
          if (shared.verify(tokens.get(i % 3)) instanceof JwtResult.Valid) {
            valid.incrementAndGet();
          }
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(valid).hasValue(8 * 9);
  }

  @Test
  void theRulesKeepTheirAlgorithmsUnderTheNimbusConstants() {
    JwtRules rules = new JwtRules(null, null, Set.of(new JWSAlgorithm("ES256")), null, Duration.ZERO, 100, false);
    assertThat(rules.audiences()).isEmpty();
    assertThat(rules.acceptedTypes()).isEmpty();
    JwtResult result = new JwtVerifier(ring(EC).asJwtKeys(), new JwtRules(null, null, Set.of(new JWSAlgorithm("ES256")), null,
        Duration.ZERO, 8192, false), CLOCK).verify(sign(EC, claims()));
    assertThat(result).isInstanceOf(JwtResult.Valid.class);
    assertThat(((JwtResult.Valid) result).algorithm()).isSameAs(JWSAlgorithm.ES256);
  }

  private static String forgeWithInput(String input) {
    try {
      return input + "." + TokenTesting.signer(RSA.privateJwk())
          .sign(new com.nimbusds.jose.JWSHeader(JWSAlgorithm.RS256), input.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new AssertionError(e);
    }
  }

  static JwtResult.Invalid invalid(JwtFailure failure, String detail) {
    return new JwtResult.Invalid(failure, detail);
  }
}
